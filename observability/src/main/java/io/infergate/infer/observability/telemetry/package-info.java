/**
 * OpenTelemetry, set up once per process: traces and metrics exported as configured, Prometheus
 * {@code /metrics} served. Servers receive the API's {@code OpenTelemetry} and never see the SDK.
 */
package io.infergate.infer.observability.telemetry;
