/**
 * What both servers do the same way around their own services: health, reflection, graceful stop,
 * exit codes. Starting points: {@link io.infergate.infer.observability.server.StandardServices},
 * {@link io.infergate.infer.observability.server.ExitCodes}.
 */
package io.infergate.infer.observability.server;
