package io.infergate.infer.modelserver.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the model repository is kept in step with its directory.
 *
 * @param pollInterval how often the directory is scanned for new, changed and removed versions and
 *     for edited {@code model.yaml} files; zero loads once at start and never looks again
 * @param warmupRuns model runs per warm-up batch size before a newly loaded version is marked ready
 *     (the first runs of a TensorFlow session allocate and pick kernels); zero skips warm-up
 */
public record RepositoryConfig(Duration pollInterval, int warmupRuns) {

  /** The most warm-up runs per batch size that may be configured. */
  public static final int WARMUP_RUNS_LIMIT = 100;

  /** TF Serving's one-second file-system poll, and two warm-up runs per batch size. */
  public static final RepositoryConfig DEFAULT = new RepositoryConfig(Duration.ofSeconds(1), 2);

  public RepositoryConfig {
    requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative()) {
      throw new IllegalArgumentException(
          "pollInterval: " + pollInterval + " (expected: a duration >= 0)");
    }
    if (warmupRuns < 0 || warmupRuns > WARMUP_RUNS_LIMIT) {
      throw new IllegalArgumentException(
          "warmupRuns: " + warmupRuns + " (expected: an integer in 0.." + WARMUP_RUNS_LIMIT + ")");
    }
  }

  /** Whether the directory is watched after start. */
  public boolean watched() {
    return !pollInterval.isZero();
  }
}
