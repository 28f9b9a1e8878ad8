package io.infergate.infer.observability.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether a call that starts a new trace (its caller sent no trace context) is recorded,
 * before any span is built. Most such calls are not (1 % by default), and the SDK's span builder
 * costs an unsampled call about a microsecond of a server's event loop (ids, sampler, a
 * non-recording span; measured side by side, docs/benchmarks.md): an unsampled call gets {@link
 * #notSampled} instead, a non-recording span with fresh ids whose context still travels upstream,
 * so the next hop drops the call too. A sampled one is built by the SDK, whose sampler then records
 * every new trace ({@link Telemetry} sets it so when this sampler takes the ratio).
 *
 * <p>Calls with a parent are left to the SDK's parent-based sampler: they follow their caller.
 */
public final class RootSampler {
  /** Leaves every new trace to the SDK's sampler: an {@code OTEL_TRACES_SAMPLER} of the user's. */
  static final RootSampler SDK = new RootSampler(1.0);

  private final double ratio;

  private RootSampler(double ratio) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("ratio: " + ratio + " (expected: 0..1)");
    }
    this.ratio = ratio;
  }

  /** Records {@code ratio} (0..1) of new traces. */
  public static RootSampler ratio(double ratio) {
    return new RootSampler(ratio);
  }

  /** {@code otel}'s root sampler; the SDK's own decision for an {@code otel} without one. */
  public static RootSampler of(OpenTelemetry otel) {
    return otel instanceof RecordingOpenTelemetry recording ? recording.roots() : SDK;
  }

  /** Whether a call starting a new trace is recorded: if so, build its span with the SDK. */
  public boolean sample() {
    return ratio >= 1 || (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio);
  }

  /**
   * The span of a call starting a new trace that is not recorded: fresh ids, not sampled, whose
   * {@code traceparent} {@link TraceHeaders#injectNotSampled} writes without building a context.
   */
  public Span notSampled() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long spanId;
    do {
      spanId = random.nextLong();
    } while (spanId == 0);
    long traceIdLow;
    do {
      traceIdLow = random.nextLong();
    } while (traceIdLow == 0);
    return new NotSampledSpan(random.nextLong(), traceIdLow, spanId);
  }

  /** Whether {@code span} is part of a sampled trace, without making a not-sampled one's ids. */
  public static boolean sampled(Span span) {
    return !(span instanceof NotSampledSpan) && span.getSpanContext().isSampled();
  }

  double ratio() {
    return ratio;
  }
}
