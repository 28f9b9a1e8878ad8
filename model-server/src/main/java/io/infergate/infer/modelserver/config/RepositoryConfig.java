package io.infergate.infer.modelserver.config;

import io.infergate.infer.observability.config.Durations;
import java.time.Duration;

/**
 * How the model repository is kept in step with its directory. Absent values take their defaults.
 *
 * @param pollInterval how often the directory is scanned for new, changed and removed versions and
 *     for edited {@code model.yaml} files; zero loads once at start and never looks again (default:
 *     TF Serving's one second)
 * @param warmupRuns model runs per warm-up batch size before a newly loaded version is marked ready
 *     (the first runs of a TensorFlow session allocate and pick kernels); zero skips warm-up
 *     (default: 2)
 * @param allowSymlinksOutside whether a version directory may resolve, through symlinks, outside
 *     the repository root; by default (false) such a version is refused, so that whoever can write
 *     a link into the repository cannot make the server load, fingerprint or report on other files
 * @param absolutePathsInStatus whether load errors in {@code GetModelStatus} keep absolute paths;
 *     by default (false) paths are written relative to the repository root, so callers do not learn
 *     the server's file layout (the log always has them whole)
 */
public record RepositoryConfig(
    Duration pollInterval,
    Integer warmupRuns,
    Boolean allowSymlinksOutside,
    Boolean absolutePathsInStatus) {

  /** The most warm-up runs per batch size that may be configured. */
  public static final int WARMUP_RUNS_LIMIT = 100;

  /** TF Serving's one-second file-system poll, and two warm-up runs per batch size. */
  public static final RepositoryConfig DEFAULT = new RepositoryConfig(null, null);

  public RepositoryConfig {
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    warmupRuns = warmupRuns == null ? 2 : warmupRuns;
    allowSymlinksOutside = allowSymlinksOutside == null ? Boolean.FALSE : allowSymlinksOutside;
    absolutePathsInStatus = absolutePathsInStatus == null ? Boolean.FALSE : absolutePathsInStatus;
    new Problems()
        .check(
            !pollInterval.isNegative(),
            "pollInterval: " + Durations.format(pollInterval) + " (expected: a duration >= 0s)")
        .range("warmupRuns", warmupRuns, 0, WARMUP_RUNS_LIMIT)
        .throwIfAny();
  }

  /** The given polling and warm-up, with the secure defaults for symlinks and status paths. */
  public RepositoryConfig(Duration pollInterval, Integer warmupRuns) {
    this(pollInterval, warmupRuns, null, null);
  }

  /** Whether the directory is watched after start. */
  public boolean watched() {
    return !pollInterval.isZero();
  }
}
