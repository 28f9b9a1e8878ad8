package io.infergate.infer.observability.telemetry;

import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import java.util.Set;

/**
 * Names the SDK's own span-processor metrics as Prometheus expects them. The batch span processor
 * reports its queue and the spans it exported or dropped as {@code queueSize} and {@code
 * processedSpans} with a {@code processorType} label: camelCase, which {@code promtool check
 * metrics} refuses. Dropped spans are worth a graph, so they are renamed rather than dropped.
 */
final class SpanProcessorMetrics {
  private static final String SCOPE = "io.opentelemetry.sdk.trace";

  private SpanProcessorMetrics() {}

  static void rename(SdkMeterProviderBuilder meters) {
    meters.registerView(
        InstrumentSelector.builder().setMeterName(SCOPE).setName("queueSize").build(),
        View.builder()
            .setName("otel.sdk.span_processor.queue_size")
            .setAttributeFilter(Set.of())
            .build());
    meters.registerView(
        InstrumentSelector.builder().setMeterName(SCOPE).setName("processedSpans").build(),
        View.builder()
            .setName("otel.sdk.span_processor.spans")
            .setAttributeFilter(Set.of("dropped"))
            .build());
  }
}
