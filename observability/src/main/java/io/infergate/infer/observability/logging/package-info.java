/**
 * The one log configuration of every process of ours: readable lines on a terminal, JSON for a log
 * pipeline, levels per logger, and the trace and span ids of the current OpenTelemetry span on each
 * line logged inside one. Starting point: {@link
 * io.infergate.infer.observability.logging.LogbackConfigurator}, which Logback finds by itself.
 */
package io.infergate.infer.observability.logging;
