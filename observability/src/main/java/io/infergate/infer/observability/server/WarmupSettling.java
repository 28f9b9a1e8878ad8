package io.infergate.infer.observability.server;

import java.util.Arrays;

/**
 * Decides when warm-up calls have settled: their latency is measured in rounds, and the path counts
 * as warm once at least {@code minCalls} calls answered and the median of the last round is within
 * {@link #TOLERANCE} of the round before. A median, not a tail, because a shared machine's tail is
 * noise that no amount of warming removes. Pure logic over the latencies it is given, so that it is
 * tested without a server; one thread uses it.
 */
final class WarmupSettling {
  /** How close two rounds' medians must be: 10% of the earlier one. */
  static final double TOLERANCE = 0.10;

  private final long minCalls;
  private long answered;
  private long previousMedianNanos = -1;
  private long lastMedianNanos = -1;
  private boolean settled;

  WarmupSettling(long minCalls) {
    this.minCalls = minCalls;
  }

  /**
   * Records one round: the latencies of its answered calls ({@code count} of them from the start of
   * {@code nanos}; the array is sorted in place). A round with none answered resets the comparison.
   *
   * @return whether the path has settled
   */
  boolean round(long[] nanos, int count) {
    if (count == 0) {
      previousMedianNanos = -1;
      lastMedianNanos = -1;
      return settled;
    }
    Arrays.sort(nanos, 0, count);
    long median = nanos[count / 2];
    answered += count;
    previousMedianNanos = lastMedianNanos;
    lastMedianNanos = median;
    if (answered >= minCalls
        && previousMedianNanos > 0
        && Math.abs(median - previousMedianNanos) <= TOLERANCE * previousMedianNanos) {
      settled = true;
    }
    return settled;
  }

  boolean settled() {
    return settled;
  }

  /** The median of the last round with answers, or -1 before any. */
  long lastMedianNanos() {
    return lastMedianNanos;
  }
}
