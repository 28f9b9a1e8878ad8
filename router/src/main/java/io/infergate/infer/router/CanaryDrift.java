package io.infergate.infer.router;

import java.time.Duration;

/**
 * Compares what each variant of a route answers with what its reference variant answers, over a
 * sliding window: the distribution of predicted classes (top-1 of the answer's scores) and of the
 * top-1 score. A canary that answers the same callers differently from stable shows here before any
 * label arrives. The gateway decodes answers off the call's path; divergences are computed only
 * when metrics are read.
 *
 * @param reference the variant the others are compared with; null for the variant of highest weight
 *     in the route as declared (the first on a tie), which release control's weight changes do not
 *     move: a ramp past 50% still compares the canary with the stable it replaces
 * @param window how much recent traffic is compared: a whole number of buckets, at most {@value
 *     #BUCKETS_LIMIT}
 * @param bucket the step the window slides by, in 100ms..1h
 * @param minAnswers the fewest predictions each side's window must hold for a divergence to be
 *     reported, at least 1
 * @param fraction the share of answered calls decoded, in (0, 1]: decoding costs far more than
 *     forwarding, and a sample tells the distribution as well
 */
public record CanaryDrift(
    String reference, Duration window, Duration bucket, int minAnswers, double fraction) {
  /** Window of the config that does not say: as long as a deploy's first look. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  /** Bucket of the config that does not say, as the model server's drift windows. */
  public static final Duration DEFAULT_BUCKET = Duration.ofSeconds(10);

  /** Fewest predictions per side when the config does not say. */
  public static final int DEFAULT_MIN_ANSWERS = 100;

  /** The most buckets a window may hold: each costs a histogram per variant. */
  public static final int BUCKETS_LIMIT = 360;

  private static final Duration MIN_BUCKET = Duration.ofMillis(100);

  /**
   * Validates the settings; that the reference is a variant of the route is checked by the route.
   *
   * @throws IllegalArgumentException naming each bad field, one a line
   */
  public CanaryDrift {
    check(reference, window, bucket, minAnswers, fraction).throwIfAny();
  }

  /**
   * Returns the settings a config file describes; null stands for a key the file leaves out, which
   * takes its default.
   *
   * @throws IllegalArgumentException naming each bad field, all at once
   */
  public static CanaryDrift of(
      String reference, Duration window, Duration bucket, Integer minAnswers, Double fraction) {
    return new CanaryDrift(
        reference,
        window == null ? DEFAULT_WINDOW : window,
        bucket == null ? DEFAULT_BUCKET : bucket,
        minAnswers == null ? DEFAULT_MIN_ANSWERS : minAnswers,
        fraction == null ? 1.0 : fraction);
  }

  /** Buckets in the window. */
  public int buckets() {
    return (int) (window.toNanos() / bucket.toNanos());
  }

  /** These settings comparing with {@code variant}. */
  public CanaryDrift withReference(String variant) {
    return new CanaryDrift(variant, window, bucket, minAnswers, fraction);
  }

  private static Problems check(
      String reference, Duration window, Duration bucket, int minAnswers, double fraction) {
    Problems problems = new Problems();
    if (reference != null) {
      problems.nonBlank(reference, "reference");
    }
    Duration maxBucket = Problems.MAX_POLICY_DURATION;
    boolean bucketValid =
        bucket != null && bucket.compareTo(MIN_BUCKET) >= 0 && bucket.compareTo(maxBucket) <= 0;
    problems.check(bucketValid, "bucket", bucket, MIN_BUCKET + ".." + maxBucket);
    if (bucketValid) {
      long buckets = window == null ? 0 : window.toNanos() / bucket.toNanos();
      problems.check(
          buckets >= 1 && buckets <= BUCKETS_LIMIT && window.toNanos() % bucket.toNanos() == 0,
          "window",
          window,
          "1.." + BUCKETS_LIMIT + " whole buckets of " + bucket);
    }
    problems.range(minAnswers, "minAnswers", 1, Integer.MAX_VALUE);
    problems.check(fraction > 0 && fraction <= 1, "fraction", fraction, "> 0 and <= 1");
    return problems;
  }
}
