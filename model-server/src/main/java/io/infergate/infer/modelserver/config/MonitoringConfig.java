package io.infergate.infer.modelserver.config;

import io.infergate.infer.observability.config.Durations;
import java.time.Duration;

/**
 * Input monitoring of every model version that ships a training baseline ({@code
 * assets.extra/baseline.json}): data quality per call, and drift over a sliding window. Absent
 * values take their defaults.
 *
 * @param enabled whether versions with a baseline are monitored at all (default true)
 * @param flagThreshold the share of a call's input values outside the baseline's range above which
 *     the call is flagged (default 0.01: more than 1%)
 * @param driftWindow how much recent traffic drift is measured over (default 2m)
 * @param driftBucket the step the window slides by: traffic is counted in buckets of this length
 *     (default 10s); the window must be a whole number of buckets
 * @param driftMinRows the fewest rows in the window for which drift is reported (default 100; fewer
 *     make PSI noise)
 * @param driftRowsPerBucket the most rows counted into one bucket's histograms (default 10,000);
 *     past it, calls until the next bucket are still range-checked but not binned, which bounds
 *     what the histograms cost at high rates (10,000 rows a bucket is already far more than PSI
 *     needs)
 * @param flaggedLogInterval at most one WARN line per version per this interval for flagged calls
 *     (default 0s: none, the metrics and span events suffice)
 */
public record MonitoringConfig(
    Boolean enabled,
    Double flagThreshold,
    Duration driftWindow,
    Duration driftBucket,
    Integer driftMinRows,
    Integer driftRowsPerBucket,
    Duration flaggedLogInterval) {

  /** The most buckets a window may hold: each costs a histogram per version. */
  public static final int BUCKETS_LIMIT = 360;

  /** Monitoring on, with every default. */
  public static final MonitoringConfig DEFAULT =
      new MonitoringConfig(null, null, null, null, null, null, null);

  public MonitoringConfig {
    enabled = enabled == null || enabled;
    flagThreshold = flagThreshold == null ? 0.01 : flagThreshold;
    driftWindow = driftWindow == null ? Duration.ofMinutes(2) : driftWindow;
    driftBucket = driftBucket == null ? Duration.ofSeconds(10) : driftBucket;
    driftMinRows = driftMinRows == null ? 100 : driftMinRows;
    driftRowsPerBucket = driftRowsPerBucket == null ? 10_000 : driftRowsPerBucket;
    flaggedLogInterval = flaggedLogInterval == null ? Duration.ZERO : flaggedLogInterval;
    Problems problems =
        new Problems()
            .check(
                flagThreshold >= 0 && flagThreshold < 1,
                "flagThreshold: " + flagThreshold + " (expected: a share in 0..1, below 1)")
            .range("driftBucket", driftBucket, Duration.ofMillis(100), Duration.ofHours(1))
            .range("driftMinRows", driftMinRows, 1, Integer.MAX_VALUE)
            .range("driftRowsPerBucket", driftRowsPerBucket, 1, Integer.MAX_VALUE)
            .check(
                !flaggedLogInterval.isNegative(),
                "flaggedLogInterval: "
                    + Durations.format(flaggedLogInterval)
                    + " (expected: a duration >= 0s)");
    if (!driftBucket.isNegative() && !driftBucket.isZero()) {
      long buckets = driftWindow.toNanos() / driftBucket.toNanos();
      problems.check(
          buckets >= 1
              && buckets <= BUCKETS_LIMIT
              && driftWindow.toNanos() % driftBucket.toNanos() == 0,
          "driftWindow: "
              + Durations.format(driftWindow)
              + " (expected: 1.."
              + BUCKETS_LIMIT
              + " whole driftBuckets of "
              + Durations.format(driftBucket)
              + ")");
    }
    problems.throwIfAny();
  }

  /** Buckets in the window. */
  public int driftBuckets() {
    return (int) (driftWindow.toNanos() / driftBucket.toNanos());
  }
}
