/**
 * The model server's configuration records: the YAML file's keys, with their defaults and checks.
 * {@code ModelServerMain} binds them from the file, environment and flags with observability's
 * {@code ConfigBinder}. Starting point: {@link
 * io.infergate.infer.modelserver.config.ModelServerConfig}.
 */
package io.infergate.infer.modelserver.config;
