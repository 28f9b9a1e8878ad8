package io.infergate.infer.router.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every decision runs on a fake clock, {@link #now}, in nanoseconds; nothing sleeps. */
class OutlierDetectorTest {
  private static final long BASE = Duration.ofSeconds(5).toNanos();
  private static final long MAX = Duration.ofSeconds(30).toNanos();

  /** Starts far from zero so that nothing depends on the clock's origin. */
  private final AtomicLong now = new AtomicLong(123_456_789_000L);

  @Test
  void fourFailuresInARowDoNotEjectAndTheFifthDoes() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 3);

    for (int i = 0; i < 4; i++) {
      assertThat(detector.onFailure(1)).as("failure %d", i + 1).isFalse();
    }
    assertThat(detector.isEjected(1)).isFalse();

    assertThat(detector.onFailure(1)).isTrue();
    assertThat(detector.isEjected(1)).isTrue();
    assertThat(detector.isEjected(0)).isFalse();
    assertThat(detector.isEjected(2)).isFalse();
    assertThat(detector.ejectedCount()).isEqualTo(1);
  }

  @Test
  void aSuccessResetsTheCount() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 1);

    fail(detector, 0, 4);
    detector.onSuccess(0);
    assertThat(fail(detector, 0, 4)).isFalse();
    assertThat(detector.isEjected(0)).isFalse();

    assertThat(detector.onFailure(0)).isTrue();
  }

  @Test
  void failuresOfOneEndpointDoNotCountForAnother() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);

    fail(detector, 0, 4);
    fail(detector, 1, 4);

    assertThat(detector.ejectedCount()).isZero();
  }

  @Test
  void anEjectedEndpointComesBackExactlyAfterTheBaseEjectionTime() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);
    long ejectedAt = now.get();
    fail(detector, 0, 5);

    now.set(ejectedAt + BASE - 1);
    assertThat(detector.isEjected(0)).isTrue();
    assertThat(detector.ejectedMask()).isEqualTo(0b01);

    now.set(ejectedAt + BASE);
    assertThat(detector.isEjected(0)).isFalse();
    assertThat(detector.ejectedMask()).isZero();
    assertThat(detector.ejectedCount()).isZero();
  }

  @Test
  void eachEjectionInARowLastsOneBaseLongerUpToTheMaximum() {
    OutlierPolicy policy = new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(12), 50);
    OutlierDetector detector = detector(policy, 2);

    // Each time the endpoint comes back it fails again at once: 5s, 10s, then 15s capped at 12s.
    assertThat(ejectionLength(detector)).isEqualTo(BASE);
    assertThat(ejectionLength(detector)).isEqualTo(2 * BASE);
    assertThat(ejectionLength(detector)).isEqualTo(Duration.ofSeconds(12).toNanos());
    assertThat(ejectionLength(detector)).isEqualTo(Duration.ofSeconds(12).toNanos());
  }

  @Test
  void theDefaultPolicyGrowsByFiveSecondsUpToThirty() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);

    long[] lengths = new long[8];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = ejectionLength(detector);
    }

    assertThat(lengths)
        .containsExactly(BASE, 2 * BASE, 3 * BASE, 4 * BASE, 5 * BASE, MAX, MAX, MAX);
  }

  @Test
  void eachBaseEjectionTimeSpentHealthyTakesOneStepOffTheNextEjection() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);
    ejectionLength(detector);
    ejectionLength(detector);
    ejectionLength(detector); // three in a row: the next would last 4 x base

    now.addAndGet(BASE - 1);
    assertThat(ejectionLength(detector)).as("less than one base healthy").isEqualTo(4 * BASE);

    now.addAndGet(BASE);
    assertThat(ejectionLength(detector)).as("one base healthy").isEqualTo(4 * BASE);

    now.addAndGet(2 * BASE);
    assertThat(ejectionLength(detector)).as("two bases healthy").isEqualTo(3 * BASE);

    now.addAndGet(3 * BASE - 1);
    assertThat(ejectionLength(detector)).as("just under three bases").isEqualTo(2 * BASE);

    now.addAndGet(Duration.ofHours(1).toNanos());
    assertThat(ejectionLength(detector)).as("long healthy: as new").isEqualTo(BASE);
  }

  @Test
  void anEndpointHealthyForTheMaximumEjectionTimeAfterALongOutageIsTreatedAsNew() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);
    // Down for an hour: ejected again each time it comes back.
    long outageEnds = now.get() + Duration.ofHours(1).toNanos();
    while (now.get() < outageEnds) {
      ejectionLength(detector);
    }

    now.addAndGet(MAX);

    assertThat(ejectionLength(detector)).isEqualTo(BASE);
  }

  @Test
  void failuresOfCallsThatEndWhileEjectedDoNotCountTowardsTheNextEjection() {
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);
    long ejectedAt = now.get();
    fail(detector, 0, 5);

    // Calls sent before the ejection fail during it; they say nothing new about the endpoint.
    now.set(ejectedAt + BASE / 2);
    assertThat(fail(detector, 0, 7)).isFalse();

    now.set(ejectedAt + BASE);
    assertThat(fail(detector, 0, 4)).as("back, four new failures").isFalse();
    assertThat(detector.isEjected(0)).isFalse();
    assertThat(detector.onFailure(0)).as("the fifth").isTrue();
  }

  @Test
  void atMostTheMaxEjectionPercentOfEndpointsAreEjectedAtOnce() {
    OutlierPolicy policy = policy(5, 30);
    OutlierDetector detector = detector(policy, 10);

    for (int endpoint = 0; endpoint < 10; endpoint++) {
      boolean ejected = fail(detector, endpoint, 5);
      assertThat(ejected).as("endpoint %d", endpoint).isEqualTo(endpoint < 3);
    }

    assertThat(detector.ejectedCount()).isEqualTo(3);
    assertThat(detector.ejectedMask()).isEqualTo(0b111);
  }

  @Test
  void anEndpointRefusedByTheCapIsEjectedOnceAnotherComesBack() {
    OutlierPolicy policy = policy(5, 50);
    OutlierDetector detector = detector(policy, 2);
    long start = now.get();
    fail(detector, 0, 5);

    assertThat(fail(detector, 1, 5)).as("cap of one reached").isFalse();

    now.set(start + BASE);
    assertThat(fail(detector, 1, 4)).as("its count started again").isFalse();
    assertThat(detector.onFailure(1)).isTrue();
    assertThat(detector.ejectedMask()).isEqualTo(0b10);
  }

  @Test
  void aSingleEndpointVariantMayAlwaysEjectItsOneEndpoint() {
    for (int percent : new int[] {0, 1, 50, 99}) {
      OutlierDetector detector = detector(policy(5, percent), 1);

      assertThat(fail(detector, 0, 5)).as("%d%%", percent).isTrue();
      assertThat(detector.ejectedMask()).isEqualTo(1);
    }
  }

  @Test
  void aHundredPercentMayEjectEveryEndpoint() {
    OutlierDetector detector = detector(policy(5, 100), 4);

    for (int endpoint = 0; endpoint < 4; endpoint++) {
      assertThat(fail(detector, endpoint, 5)).isTrue();
    }

    assertThat(detector.ejectedMask()).isEqualTo(0b1111);
  }

  @Test
  void theMaskHasOneBitPerEjectedEndpointUpToTheSixtyFourth() {
    OutlierDetector detector = detector(policy(1, 100), 64);

    detector.onFailure(0);
    detector.onFailure(5);
    detector.onFailure(63);

    assertThat(detector.ejectedMask()).isEqualTo(1L | 1L << 5 | 1L << 63);
    assertThat(detector.ejectedCount()).isEqualTo(3);
    assertThat(detector.isEjected(63)).isTrue();
    assertThat(detector.isEjected(62)).isFalse();
  }

  @Test
  void aDetectorCoversOneToSixtyFourEndpointsOneBitEach() {
    assertThatThrownBy(() -> detector(OutlierPolicy.DEFAULT, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 0 (expected: 1..64)");
    assertThatThrownBy(() -> detector(OutlierPolicy.DEFAULT, 65))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 65 (expected: 1..64)");
  }

  @Test
  void aClockThatWrapsPastLongMaxKeepsEjectionsRight() {
    now.set(Long.MAX_VALUE - BASE / 2);
    OutlierDetector detector = detector(OutlierPolicy.DEFAULT, 2);
    long ejectedAt = now.get();
    fail(detector, 0, 5);

    now.set(ejectedAt + BASE - 1); // wraps to a negative value
    assertThat(now.get()).isNegative();
    assertThat(detector.isEjected(0)).isTrue();
    now.set(ejectedAt + BASE);
    assertThat(detector.isEjected(0)).isFalse();
  }

  @Test
  void concurrentFailuresEjectOnceWhileTheEjectionLasts() throws Exception {
    // Several threads may cross the threshold before the first marks the ejection; only one of
    // them may eject, or the first ejection would count twice and last twice as long. Many short
    // rounds, because the window is a few instructions wide.
    try (Together together = new Together(8)) {
      for (int round = 0; round < 500; round++) {
        OutlierDetector detector = detector(policy(5, 100), 1);
        int ejections =
            together
                .run(
                    () -> {
                      int ejected = 0;
                      for (int i = 0; i < 200; i++) {
                        if (detector.onFailure(0)) {
                          ejected++;
                        }
                      }
                      return ejected;
                    })
                .stream()
                .mapToInt(Integer::intValue)
                .sum();

        // The clock stands still, so the endpoint stays ejected: exactly one ejection, of one base.
        assertThat(ejections).as("round %d", round).isEqualTo(1);
        long ejectedAt = now.get();
        now.set(ejectedAt + BASE - 1);
        assertThat(detector.isEjected(0)).isTrue();
        now.set(ejectedAt + BASE);
        assertThat(detector.isEjected(0)).isFalse();
        now.set(ejectedAt);
      }
    }
  }

  private OutlierDetector detector(OutlierPolicy policy, int endpoints) {
    return new OutlierDetector(policy, endpoints, now::get);
  }

  /** Fails endpoint {@code index} {@code times} times; whether the last failure ejected it. */
  private static boolean fail(OutlierDetector detector, int index, int times) {
    boolean ejected = false;
    for (int i = 0; i < times; i++) {
      ejected = detector.onFailure(index);
    }
    return ejected;
  }

  /**
   * Ejects endpoint 0 now, with as many failures as it takes, and returns how long it stays out,
   * leaving the clock at the moment it comes back.
   */
  private long ejectionLength(OutlierDetector detector) {
    int threshold = detector.policy().consecutiveFailures();
    assertThat(fail(detector, 0, threshold)).as("ejected").isTrue();
    long ejectedAt = now.get();
    // Binary search for the first instant it is back, on the fake clock.
    long low = 0;
    long high = Duration.ofHours(2).toNanos();
    while (low < high) {
      long mid = (low + high) >>> 1;
      now.set(ejectedAt + mid);
      if (detector.isEjected(0)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    now.set(ejectedAt + low);
    return low;
  }

  /** The default ejection times, with these counts. */
  private static OutlierPolicy policy(int consecutiveFailures, int maxEjectionPercent) {
    OutlierPolicy d = OutlierPolicy.DEFAULT;
    return new OutlierPolicy(
        consecutiveFailures, d.baseEjectionTime(), d.maxEjectionTime(), maxEjectionPercent);
  }
}
