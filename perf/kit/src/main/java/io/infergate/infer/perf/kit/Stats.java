package io.infergate.infer.perf.kit;

/** Percentiles of samples, computed the same way everywhere (medians of rounds: {@link Spread}). */
public final class Stats {
  private Stats() {}

  /**
   * The nearest-rank percentile of already sorted samples: the smallest sample such that at least
   * {@code percentile}% of the samples are at or below it (as HdrHistogram reports it).
   *
   * @throws IllegalArgumentException if there are no samples or the percentile is outside 0..100
   */
  public static long percentile(long[] sorted, double percentile) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile: " + percentile + " (expected: 0..100)");
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }
}
