package io.infergate.infer.observability.telemetry;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * The {@link OpenTelemetry} a server records through when the process set telemetry up: the API,
 * plus what this module does for every call more cheaply than the SDK ({@link CallHistogram}'s
 * tallies, {@link RootSampler}). Servers see only the API; they find these through {@link
 * CallHistogram#of} and {@link RootSampler#of}.
 *
 * @param histograms the tallied histograms, registered as a producer on {@code otel}'s meter
 *     provider; null when no reader collects metrics
 * @param roots the root sampler; {@link RootSampler#SDK} unless the SDK's sampler records every new
 *     trace and leaves the ratio to it
 */
public record RecordingOpenTelemetry(
    OpenTelemetry otel, TalliedHistograms histograms, RootSampler roots) implements OpenTelemetry {
  public RecordingOpenTelemetry {
    requireNonNull(otel, "otel");
    requireNonNull(roots, "roots");
  }

  /**
   * {@code otel} with {@code histograms} (registered on its meter provider) and every new trace
   * left to its own sampler: for tests that build an SDK themselves.
   */
  public static RecordingOpenTelemetry of(OpenTelemetry otel, TalliedHistograms histograms) {
    return new RecordingOpenTelemetry(otel, histograms, RootSampler.SDK);
  }

  @Override
  public TracerProvider getTracerProvider() {
    return otel.getTracerProvider();
  }

  @Override
  public MeterProvider getMeterProvider() {
    return otel.getMeterProvider();
  }

  @Override
  public ContextPropagators getPropagators() {
    return otel.getPropagators();
  }
}
