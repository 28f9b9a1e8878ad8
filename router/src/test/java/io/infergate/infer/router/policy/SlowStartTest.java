package io.infergate.infer.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlowStartTest {
  private static final long SECOND = 1_000_000_000L;
  private static final SlowStartPolicy THIRTY_SECONDS = new SlowStartPolicy(Duration.ofSeconds(30));

  @Test
  void aReachableEndpointsShareGrowsLinearlyFromTenPercentOverTheWindow() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 3);
    long t0 = 1_000 * SECOND;

    slowStart.reachable(2, t0);

    assertThat(slowStart.share(2, t0)).isEqualTo(SlowStart.MIN_SHARE);
    assertThat(slowStart.share(2, t0 + 1 * SECOND)).isEqualTo(SlowStart.MIN_SHARE);
    assertThat(slowStart.share(2, t0 + 6 * SECOND)).isCloseTo(0.2, within(1e-9));
    assertThat(slowStart.share(2, t0 + 15 * SECOND)).isCloseTo(0.5, within(1e-9));
    assertThat(slowStart.share(2, t0 + 27 * SECOND)).isCloseTo(0.9, within(1e-9));
    assertThat(slowStart.share(2, t0 + 30 * SECOND)).isEqualTo(1);
    // The others never ramped.
    assertThat(slowStart.share(0, t0)).isEqualTo(1);
    assertThat(slowStart.share(1, t0 + 15 * SECOND)).isEqualTo(1);
  }

  @Test
  void roundRobinGivesARampingEndpointItsShareOfItsCallsAndTheRestToTheOthers() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 4);
    EndpointBalancer balancer = EndpointBalancer.of(BalancePolicy.ROUND_ROBIN, 4);
    long t0 = 5 * SECOND;
    slowStart.reachable(3, t0);

    // At each moment, endpoint 3 gets about share × its even quarter.
    for (int second : new int[] {0, 6, 15, 24, 29}) {
      long now = t0 + second * SECOND;
      int[] counts = picks(slowStart, balancer, now, 40_000);
      double expected = 0.25 * slowStart.share(3, now);
      assertThat(counts[3] / 40_000.0)
          .as("share of the ramping endpoint %ds into its window", second)
          .isCloseTo(expected, within(0.01));
      // The rest is spread over the other three.
      assertThat(counts[0] + counts[1] + counts[2] + counts[3]).isEqualTo(40_000);
      assertThat(Math.abs(counts[0] - counts[1])).isLessThan(1_000);
    }
    int[] after = picks(slowStart, balancer, t0 + 31 * SECOND, 40_000);
    assertThat(after[3] / 40_000.0).isCloseTo(0.25, within(0.01));
  }

  @Test
  void leastOutstandingIsGivenBackTheFirstChoiceItDidNotUse() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 2);
    LeastOutstanding balancer = new LeastOutstanding(2);
    slowStart.reachable(1, 0);
    int picked = 0;
    for (int i = 0; i < 100; i++) {
      picked = slowStart.pick(balancer, 0L, 0, 0.99);
      balancer.release(picked);
    }
    assertThat(picked).isZero();
    assertThat(balancer.outstanding(0)).isZero();
    assertThat(balancer.outstanding(1)).isZero();
  }

  @Test
  void aRampingEndpointThatIsTheOnlyOneLeftTakesTheCall() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 2);
    EndpointBalancer balancer = EndpointBalancer.of(BalancePolicy.ROUND_ROBIN, 2);
    slowStart.reachable(1, 0);

    assertThat(slowStart.pick(balancer, 0b01L, 0, 0.99)).isEqualTo(1);
    assertThat(slowStart.pick(balancer, 0b11L, 0, 0.99)).isEqualTo(-1);
  }

  @Test
  void endpointsRampingTogetherShareAlike() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 2);
    EndpointBalancer balancer = EndpointBalancer.of(BalancePolicy.ROUND_ROBIN, 2);
    slowStart.reachable(0, 0);
    slowStart.reachable(1, 0);

    int[] counts = picks(slowStart, balancer, 3 * SECOND, 20_000);

    assertThat(counts[0] / 20_000.0).isCloseTo(0.5, within(0.02));
  }

  @Test
  void anEndpointRampsWhenSeenUpAfterBeingDownOrNeverSeenAndOnlyThen() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 3);
    slowStart.alreadyUp(0);

    // Endpoint 0 was serving before: seeing it up again starts nothing.
    slowStart.up(0, 0);
    assertThat(slowStart.rampingMask()).isZero();
    // Endpoint 1 had not been seen up: its first sighting ramps it, later ones do not restart it.
    slowStart.up(1, SECOND);
    slowStart.up(1, 20 * SECOND);
    assertThat(slowStart.rampingMask()).isEqualTo(0b010L);
    assertThat(slowStart.share(1, 16 * SECOND)).isCloseTo(0.5, within(1e-9));
    // Endpoint 0 fails (a restart, an ejection) and comes back while 1 is up: it ramps from then.
    slowStart.down(0);
    assertThat(slowStart.isDown(0)).isTrue();
    slowStart.up(0, 40 * SECOND);
    assertThat(slowStart.isDown(0)).isFalse();
    assertThat(slowStart.share(0, 40 * SECOND)).isEqualTo(SlowStart.MIN_SHARE);
    assertThat(slowStart.share(0, 55 * SECOND)).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void theFirstEndpointOfAVariantToComeUpTakesItsShareAtOnce() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 2);

    slowStart.up(0, 0);
    assertThat(slowStart.rampingMask()).isZero();
    slowStart.up(1, SECOND);
    assertThat(slowStart.rampingMask()).isEqualTo(0b10L);
    // Both down, then back: the first back has nobody to share with, the second ramps.
    slowStart.down(0);
    slowStart.down(1);
    slowStart.up(1, 60 * SECOND);
    slowStart.up(0, 61 * SECOND);
    assertThat(slowStart.share(1, 61 * SECOND)).isEqualTo(1);
    assertThat(slowStart.share(0, 61 * SECOND)).isEqualTo(SlowStart.MIN_SHARE);
  }

  @Test
  void expireStopsTheCallPathLookingAtFinishedRamps() {
    SlowStart slowStart = new SlowStart(THIRTY_SECONDS, 3);
    slowStart.reachable(0, 0);
    slowStart.reachable(2, 10 * SECOND);

    slowStart.expire(29 * SECOND);
    assertThat(slowStart.rampingMask()).isEqualTo(0b101L);
    slowStart.expire(30 * SECOND);
    assertThat(slowStart.rampingMask()).isEqualTo(0b100L);
    slowStart.expire(40 * SECOND);
    assertThat(slowStart.rampingMask()).isZero();
  }

  @Test
  void offMeansNoEndpointEverRamps() {
    SlowStart slowStart = new SlowStart(SlowStartPolicy.OFF, 2);
    slowStart.reachable(1, 0);

    assertThat(slowStart.enabled()).isFalse();
    assertThat(slowStart.rampingMask()).isZero();
    assertThat(slowStart.share(1, 0)).isEqualTo(1);
  }

  @Test
  void theWindowIsZeroToAnHour() {
    assertThat(new SlowStartPolicy(Duration.ZERO).enabled()).isFalse();
    assertThatThrownBy(() -> new SlowStartPolicy(Duration.ofSeconds(-1)))
        .hasMessage("window: PT-1S (expected: 0s (off) to PT1H)");
    assertThatThrownBy(() -> new SlowStartPolicy(Duration.ofHours(2)))
        .hasMessage("window: PT2H (expected: 0s (off) to PT1H)");
  }

  private static int[] picks(SlowStart slowStart, EndpointBalancer balancer, long now, int calls) {
    SplittableRandom random = new SplittableRandom(42);
    int[] counts = new int[4];
    for (int i = 0; i < calls; i++) {
      int endpoint = slowStart.pick(balancer, 0L, now, random.nextDouble());
      counts[endpoint]++;
      balancer.release(endpoint);
    }
    return counts;
  }
}
