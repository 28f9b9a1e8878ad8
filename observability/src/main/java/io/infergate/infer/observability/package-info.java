/**
 * What every process of ours sets up the same way at start. Starting points: {@link
 * io.infergate.infer.observability.config.ConfigBinder} binds the configuration, {@link
 * io.infergate.infer.observability.ProjectVersion} answers {@code --version}.
 */
package io.infergate.infer.observability;
