package io.infergate.infer.router.resilience;

import io.infergate.infer.router.Problems;
import java.time.Duration;

/**
 * When one endpoint of a variant is taken out of its rotation, kept apart from the variant's
 * breaker as Envoy keeps outlier detection apart from circuit breaking: a dead replica is ejected
 * while its healthy siblings keep the variant serving.
 *
 * @param consecutiveFailures failures in a row ({@link CallOutcome#isFailure}) that eject, 1..1000
 * @param baseEjectionTime the first ejection's length; the n-th in a row lasts n times this, in (0,
 *     1h]
 * @param maxEjectionTime the longest ejection, in [baseEjectionTime, 1h]
 * @param maxEjectionPercent share of a variant's endpoints ejected at once at most, 0..100; at
 *     least one endpoint may always be ejected, so that a variant of one dead endpoint is skipped
 */
public record OutlierPolicy(
    int consecutiveFailures,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent) {
  public static final OutlierPolicy DEFAULT =
      new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(30), 50);

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public OutlierPolicy {
    Problems problems = new Problems();
    problems.range(consecutiveFailures, "consecutiveFailures", 1, 1000);
    problems.positive(baseEjectionTime, "baseEjectionTime");
    problems.positive(maxEjectionTime, "maxEjectionTime");
    problems.check(
        baseEjectionTime == null
            || maxEjectionTime == null
            || maxEjectionTime.compareTo(baseEjectionTime) >= 0,
        "maxEjectionTime",
        maxEjectionTime,
        ">= baseEjectionTime");
    problems.range(maxEjectionPercent, "maxEjectionPercent", 0, 100);
    problems.throwIfAny();
  }
}
