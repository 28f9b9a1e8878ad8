package io.infergate.infer.observability.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.observability.telemetry.RecordingOpenTelemetry;
import io.infergate.infer.observability.telemetry.RootSampler;
import io.infergate.infer.observability.telemetry.TalliedHistograms;
import io.infergate.infer.observability.telemetry.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A real OpenTelemetry SDK that keeps what it records in memory: every span as it ends (W3C
 * propagation, parent-based sampling, so a sampled {@code traceparent} is recorded), and metrics
 * read on demand with cumulative temporality.
 */
public final class InMemoryTelemetry implements AutoCloseable {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final TalliedHistograms histograms = TalliedHistograms.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(
              SdkMeterProvider.builder()
                  .registerMetricReader(metrics)
                  .registerMetricProducer(histograms)
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  /** The SDK, with the calls' histograms tallied as {@link Telemetry} sets them up. */
  public OpenTelemetry openTelemetry() {
    return RecordingOpenTelemetry.of(sdk, histograms);
  }

  /**
   * As {@link #openTelemetry()}, with new traces sampled by the servers at {@code ratio} before
   * they reach the SDK (which records all it gets), as {@link Telemetry} sets it up by default.
   */
  public OpenTelemetry openTelemetry(double newTraceRatio) {
    return new RecordingOpenTelemetry(sdk, histograms, RootSampler.ratio(newTraceRatio));
  }

  /** Spans ended so far. */
  public List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  /** Forgets the spans ended so far. */
  public void resetSpans() {
    spans.reset();
  }

  /** Every metric recorded so far, read now. */
  public Collection<MetricData> metrics() {
    return metrics.collectAllMetrics();
  }

  /** The ended span called {@code name} in trace {@code traceId}; fails unless exactly one. */
  public SpanData span(String traceId, String name) {
    List<SpanData> found =
        spans().stream()
            .filter(span -> span.getTraceId().equals(traceId) && span.getName().equals(name))
            .toList();
    assertThat(found).as("spans '%s' in trace %s: %s", name, traceId, spans()).hasSize(1);
    return found.get(0);
  }

  /** The ended spans whose parent is {@code parent}. */
  public List<SpanData> children(SpanData parent) {
    return spans().stream()
        .filter(span -> span.getParentSpanId().equals(parent.getSpanId()))
        .filter(span -> span.getTraceId().equals(parent.getTraceId()))
        .toList();
  }

  /** The point of metric {@code name} with exactly {@code attributes}, if recorded. */
  public Optional<PointData> point(String name, Attributes attributes) {
    for (MetricData metric : metrics()) {
      if (metric.getName().equals(name)) {
        Collection<? extends PointData> points = metric.getData().getPoints();
        for (PointData point : points) {
          if (point.getAttributes().equals(attributes)) {
            return Optional.of(point);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A counter's or gauge's value; 0 when not recorded. */
  public long value(String name, Attributes attributes) {
    return point(name, attributes).map(point -> ((LongPointData) point).getValue()).orElse(0L);
  }

  /** The sum of a counter's points whose attribute {@code key} is {@code value}; 0 when none. */
  public long sum(String name, io.opentelemetry.api.common.AttributeKey<String> key, String value) {
    long sum = 0;
    for (MetricData metric : metrics()) {
      if (metric.getName().equals(name)) {
        for (PointData point : metric.getData().getPoints()) {
          if (value.equals(point.getAttributes().get(key))) {
            sum += ((LongPointData) point).getValue();
          }
        }
      }
    }
    return sum;
  }

  /**
   * The sum of long counter {@code name}'s points, whatever their attributes, among {@code metrics}
   * (read from any reader); 0 when not recorded.
   */
  public static long total(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(data -> data.getName().equals(name))
        .flatMap(data -> data.getLongSumData().getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  /** A histogram's point; fails when not recorded. */
  public HistogramPointData histogram(String name, Attributes attributes) {
    PointData point =
        point(name, attributes)
            .orElseThrow(() -> new AssertionError("no " + name + " point for " + attributes));
    return (HistogramPointData) point;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
