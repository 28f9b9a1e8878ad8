package io.infergate.infer.router.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.router.policy.SlowStartPolicy;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Each record's defaults, and each bound at its limit: the last value accepted and the first
 * refused, with the exact message the config layer prefixes with the key's path. (Which default a
 * key left out of a file takes is the config layer's, tested with its loader.)
 */
class ResilienceConfigTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration PAST_HOUR = HOUR.plusNanos(1);
  private static final Duration NANO = Duration.ofNanos(1);

  @Test
  void limitsDefaultToAThousandAndTwentyFourInFlightAndAPushbackOfATenthOfASecond() {
    assertThat(Limits.DEFAULT).isEqualTo(new Limits(1024, 1024, Duration.ofMillis(100)));
  }

  @Test
  void limitsAcceptOneToAMillionInFlightAndAPushbackUpToAnHour() {
    assertThat(new Limits(1, 1, NANO).maxInFlight()).isEqualTo(1);
    assertThat(new Limits(1_000_000, 1_000_000, HOUR).maxInFlightPerVariant()).isEqualTo(1_000_000);

    refused(() -> new Limits(0, 1, NANO), "maxInFlight: 0 (expected: 1..1000000)");
    refused(() -> new Limits(1_000_001, 1, NANO), "maxInFlight: 1000001 (expected: 1..1000000)");
    refused(() -> new Limits(1, 0, NANO), "maxInFlightPerVariant: 0 (expected: 1..1000000)");
    refused(
        () -> new Limits(1, 1_000_001, NANO),
        "maxInFlightPerVariant: 1000001 (expected: 1..1000000)");
    refused(() -> new Limits(1, 1, Duration.ZERO), "pushback: PT0S (expected: > 0 and <= PT1H)");
    refused(
        () -> new Limits(1, 1, PAST_HOUR),
        "pushback: PT1H0.000000001S (expected: > 0 and <= PT1H)");
    refused(
        () -> new Limits(-1, 0, null),
        "maxInFlight: -1 (expected: 1..1000000)\n"
            + "maxInFlightPerVariant: 0 (expected: 1..1000000)\n"
            + "pushback: missing (expected: > 0 and <= PT1H)");
  }

  @Test
  void deadlinesDefaultToThirtySecondsAndAtMostFiveMinutes() {
    assertThat(Deadlines.DEFAULT)
        .isEqualTo(new Deadlines(Duration.ofSeconds(30), Duration.ofMinutes(5)));
  }

  @Test
  void aDefaultDeadlineMayEqualTheMaximumButNotExceedIt() {
    assertThat(new Deadlines(HOUR, HOUR).initial()).isEqualTo(HOUR);
    assertThat(new Deadlines(NANO, NANO).max()).isEqualTo(NANO);

    refused(
        () -> new Deadlines(Duration.ofMinutes(6), Duration.ofMinutes(5)),
        "default: PT6M (expected: > 0 and <= PT5M)");
    refused(
        () -> new Deadlines(Duration.ofSeconds(2), Duration.ofSeconds(1)),
        "default: PT2S (expected: > 0 and <= PT1S)");
    refused(
        () -> new Deadlines(Duration.ZERO, Duration.ofMinutes(5)),
        "default: PT0S (expected: > 0 and <= PT5M)");
    refused(
        () -> new Deadlines(Duration.ofSeconds(30), PAST_HOUR),
        "max: PT1H0.000000001S (expected: > 0 and <= PT1H)");
    refused(
        () -> new Deadlines(null, Duration.ofSeconds(-1)),
        "max: PT-1S (expected: > 0 and <= PT1H)\n"
            + "default: missing (expected: > 0 and <= PT1H)");
  }

  @Test
  void breakerPolicyDefaults() {
    BreakerPolicy policy = BreakerPolicy.DEFAULT;

    assertThat(policy.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.minimumCalls()).isEqualTo(20);
    assertThat(policy.failureRate()).isEqualTo(50f);
    assertThat(policy.slowCall()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.slowCallRate()).isEqualTo(80f);
    assertThat(policy.openFor()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.halfOpenCalls()).isEqualTo(5);
    assertThat(policy.maxHalfOpen()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aBreakerWindowIsWholeSecondsFromOneSecondToAnHour() {
    assertThat(breaker(Duration.ofSeconds(1), 20, 50, 5).window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(breaker(HOUR, 20, 50, 5).window()).isEqualTo(HOUR);

    refused(
        () -> breaker(Duration.ofMillis(1500), 20, 50, 5),
        "window: PT1.5S (expected: whole seconds)");
    refused(
        () -> breaker(Duration.ofMillis(999), 20, 50, 5),
        "window: PT0.999S (expected: whole seconds)");
    refused(() -> breaker(Duration.ZERO, 20, 50, 5), "window: PT0S (expected: > 0 and <= PT1H)");
    refused(
        () -> breaker(HOUR.plusSeconds(1), 20, 50, 5),
        "window: PT1H1S (expected: > 0 and <= PT1H)");
  }

  @Test
  void breakerCountsAndRatesAreBoundedAtBothEnds() {
    assertThat(breaker(HOUR, 1, 100, 1).minimumCalls()).isEqualTo(1);
    assertThat(breaker(HOUR, 1_000_000, 0.01f, 1000).halfOpenCalls()).isEqualTo(1000);

    refused(() -> breaker(HOUR, 0, 50, 5), "minimumCalls: 0 (expected: 1..1000000)");
    refused(() -> breaker(HOUR, 1_000_001, 50, 5), "minimumCalls: 1000001 (expected: 1..1000000)");
    refused(() -> breaker(HOUR, 20, 0, 5), "failureRate: 0.0 (expected: (0, 100])");
    refused(() -> breaker(HOUR, 20, 100.5f, 5), "failureRate: 100.5 (expected: (0, 100])");
    refused(() -> breaker(HOUR, 20, Float.NaN, 5), "failureRate: NaN (expected: (0, 100])");
    refused(() -> breaker(HOUR, 20, 50, 0), "halfOpenCalls: 0 (expected: 1..1000)");
    refused(() -> breaker(HOUR, 20, 50, 1001), "halfOpenCalls: 1001 (expected: 1..1000)");
  }

  @Test
  void breakerDurationsAndSlowCallRateAreBounded() {
    BreakerPolicy d = BreakerPolicy.DEFAULT;
    refused(
        () -> new BreakerPolicy(d.window(), 20, 50, Duration.ZERO, 0, PAST_HOUR, 5, null),
        "slowCall: PT0S (expected: > 0 and <= PT1H)\n"
            + "slowCallRate: 0.0 (expected: (0, 100])\n"
            + "openFor: PT1H0.000000001S (expected: > 0 and <= PT1H)\n"
            + "maxHalfOpen: missing (expected: > 0 and <= PT1H)");
    BreakerPolicy longest = new BreakerPolicy(HOUR, 20, 50, HOUR, 100, HOUR, 5, HOUR);
    assertThat(longest.maxHalfOpen()).isEqualTo(HOUR);
  }

  @Test
  void outlierPolicyDefaults() {
    assertThat(OutlierPolicy.DEFAULT)
        .isEqualTo(new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(30), 50));
  }

  @Test
  void aMaximumEjectionTimeMayEqualTheBaseButNotBeShorter() {
    assertThat(new OutlierPolicy(1, HOUR, HOUR, 0).maxEjectionTime()).isEqualTo(HOUR);
    assertThat(new OutlierPolicy(1000, NANO, NANO, 100).consecutiveFailures()).isEqualTo(1000);

    refused(
        () -> new OutlierPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(5), 50),
        "maxEjectionTime: PT5S (expected: >= baseEjectionTime)");
    refused(
        () -> new OutlierPolicy(5, Duration.ofSeconds(31), Duration.ofSeconds(30), 50),
        "maxEjectionTime: PT30S (expected: >= baseEjectionTime)");
    refused(
        () -> new OutlierPolicy(5, Duration.ZERO, Duration.ofSeconds(30), 50),
        "baseEjectionTime: PT0S (expected: > 0 and <= PT1H)");
    refused(
        () -> new OutlierPolicy(5, Duration.ofSeconds(5), PAST_HOUR, 50),
        "maxEjectionTime: PT1H0.000000001S (expected: > 0 and <= PT1H)");
  }

  @Test
  void outlierCountsAndPercentAreBoundedAtBothEnds() {
    refused(
        () -> new OutlierPolicy(0, HOUR, HOUR, 50), "consecutiveFailures: 0 (expected: 1..1000)");
    refused(
        () -> new OutlierPolicy(1001, HOUR, HOUR, 50),
        "consecutiveFailures: 1001 (expected: 1..1000)");
    refused(
        () -> new OutlierPolicy(5, HOUR, HOUR, -1), "maxEjectionPercent: -1 (expected: 0..100)");
    refused(
        () -> new OutlierPolicy(5, HOUR, HOUR, 101), "maxEjectionPercent: 101 (expected: 0..100)");
  }

  @Test
  void retryPolicyDefaults() {
    assertThat(RetryPolicy.DEFAULT).isEqualTo(new RetryPolicy(3, 0.2, 10));
  }

  @Test
  void retryAttemptsRatioAndFloorAreBoundedAtBothEnds() {
    assertThat(new RetryPolicy(1, 0, 0).maxAttempts()).isEqualTo(1);
    assertThat(new RetryPolicy(5, 1, 1000).minRetriesPerSecond()).isEqualTo(1000);

    refused(() -> new RetryPolicy(0, 0.2, 10), "maxAttempts: 0 (expected: 1..5)");
    refused(() -> new RetryPolicy(6, 0.2, 10), "maxAttempts: 6 (expected: 1..5)");
    refused(() -> new RetryPolicy(3, -0.1, 10), "budgetRatio: -0.1 (expected: 0..1)");
    refused(() -> new RetryPolicy(3, 1.5, 10), "budgetRatio: 1.5 (expected: 0..1)");
    refused(() -> new RetryPolicy(3, Double.NaN, 10), "budgetRatio: NaN (expected: 0..1)");
    refused(() -> new RetryPolicy(3, 0.2, -1), "minRetriesPerSecond: -1 (expected: 0..1000)");
    refused(() -> new RetryPolicy(3, 0.2, 1001), "minRetriesPerSecond: 1001 (expected: 0..1000)");
  }

  @Test
  void resilienceRefusesAMissingPart() {
    assertThatThrownBy(
            () ->
                new Resilience(
                    Deadlines.DEFAULT,
                    null,
                    BreakerPolicy.DEFAULT,
                    OutlierPolicy.DEFAULT,
                    null,
                    SlowStartPolicy.OFF))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limits");
  }

  private static BreakerPolicy breaker(
      Duration window, int minimumCalls, float failureRate, int halfOpenCalls) {
    BreakerPolicy d = BreakerPolicy.DEFAULT;
    return new BreakerPolicy(
        window,
        minimumCalls,
        failureRate,
        d.slowCall(),
        d.slowCallRate(),
        d.openFor(),
        halfOpenCalls,
        d.maxHalfOpen());
  }

  private static void refused(ThrowingCallable build, String message) {
    assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
