package io.infergate.infer.router.release;

import java.time.Duration;

/**
 * What one variant's backends answered over a sliding window, as the gateway saw it.
 *
 * @param window the span the figures cover
 * @param calls calls answered by the variant's backends, every outcome counted below included
 * @param backendFailures calls that were the backend's failure (the status taxonomy's, never a
 *     caller error)
 * @param callerErrors calls answered with a caller error (INVALID_ARGUMENT and the like)
 * @param p50Nanos median latency of the calls, 0 without calls
 * @param p99Nanos 99th percentile latency of the calls, 0 without calls
 */
public record WindowFigures(
    Duration window,
    long calls,
    long backendFailures,
    long callerErrors,
    long p50Nanos,
    long p99Nanos) {
  /** A window that saw no call. */
  public static WindowFigures none(Duration window) {
    return new WindowFigures(window, 0, 0, 0, 0, 0);
  }

  /** Share of calls that were backend failures; 0 without calls. */
  public double backendFailureRate() {
    return calls == 0 ? 0 : (double) backendFailures / calls;
  }

  /** Share of calls answered with a caller error; 0 without calls. */
  public double callerErrorRate() {
    return calls == 0 ? 0 : (double) callerErrors / calls;
  }

  public double callsPerSecond() {
    return window.isZero() ? 0 : calls * 1e9 / window.toNanos();
  }
}
