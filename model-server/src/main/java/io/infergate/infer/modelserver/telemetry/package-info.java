/**
 * The model server's traces and metrics, under the instrumentation scope {@code
 * io.infergate.modelserver}: instruments are created once per server and attribute sets once per
 * served version, so that a call records without allocating. With {@code OpenTelemetry.noop()}
 * every record is a call into a no-op instrument and no span is started.
 *
 * <p>Starting points: {@link io.infergate.infer.modelserver.telemetry.ModelServerTelemetry} (one
 * per server) and {@link io.infergate.infer.modelserver.telemetry.VersionTelemetry} (one per loaded
 * model version).
 */
package io.infergate.infer.modelserver.telemetry;
