/**
 * One configuration model for every process: YAML, environment variables and flags bound with
 * Jackson into immutable records ({@link io.infergate.infer.observability.config.ConfigBinder}),
 * all problems reported at once with their paths ({@link
 * io.infergate.infer.observability.config.ConfigException}), one duration syntax ({@link
 * io.infergate.infer.observability.config.Durations}), and the effective values with their sources
 * ({@link io.infergate.infer.observability.config.Bound}).
 */
package io.infergate.infer.observability.config;
