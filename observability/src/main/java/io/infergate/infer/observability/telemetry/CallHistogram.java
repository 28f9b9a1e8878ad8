package io.infergate.infer.observability.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * A histogram that every call records into, such as a call's duration. Under a process's own {@link
 * Telemetry} its series are {@link TalliedHistograms tallies} handed to the SDK when it collects;
 * under any other {@link OpenTelemetry} (the API's no-op one, an SDK a test built) they are the
 * SDK's synchronous histogram, recorded against the root context (no exemplars).
 */
public final class CallHistogram {
  private final DoubleHistogram sdk;
  private final TalliedHistograms.Instrument tallied;

  private CallHistogram(DoubleHistogram sdk, TalliedHistograms.Instrument tallied) {
    this.sdk = sdk;
    this.tallied = tallied;
  }

  /**
   * The histogram called {@code name} in instrumentation scope {@code scope}, with explicit bucket
   * {@code boundaries}.
   */
  public static CallHistogram of(
      OpenTelemetry otel,
      String scope,
      String name,
      String unit,
      String description,
      List<Double> boundaries) {
    if (otel instanceof RecordingOpenTelemetry recording && recording.histograms() != null) {
      return new CallHistogram(
          null, recording.histograms().instrument(scope, name, unit, description, boundaries));
    }
    return new CallHistogram(
        otel.getMeter(scope)
            .histogramBuilder(name)
            .setUnit(unit)
            .setDescription(description)
            .setExplicitBucketBoundariesAdvice(boundaries)
            .build(),
        null);
  }

  /** The series at {@code attributes}: the same one for every caller that asks for it. */
  public HistogramSeries series(Attributes attributes) {
    if (tallied != null) {
      return tallied.series(attributes);
    }
    return value -> sdk.record(value, attributes, Context.root());
  }

  /** Stops reporting (a tallied histogram; the SDK's own cannot be removed). */
  public void close() {
    if (tallied != null) {
      tallied.close();
    }
  }
}
