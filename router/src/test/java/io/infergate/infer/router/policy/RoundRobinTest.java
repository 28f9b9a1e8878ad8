package io.infergate.infer.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundRobinTest {

  @Test
  void picksEachEndpointInTurn() {
    RoundRobin balancer = new RoundRobin(3);

    int[] picks = Picks.oneAtATime(balancer, 7);

    assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2, 0);
  }

  @Test
  void aSingleEndpointIsAlwaysPicked() {
    RoundRobin balancer = new RoundRobin(1);

    assertThat(new int[] {balancer.pick(), balancer.pick(), balancer.pick()}).containsOnly(0);
  }

  @Test
  void anExcludedEndpointsTurnGoesToTheNextOneNotExcluded() {
    RoundRobin balancer = new RoundRobin(3);

    int[] picks = Picks.allInFlight(balancer, 6, 0b010);

    assertThat(picks).containsExactly(0, 2, 2, 0, 2, 2);
  }

  @Test
  void theTurnWrapsPastTheLastEndpointToFindOneNotExcluded() {
    RoundRobin balancer = new RoundRobin(4);

    int[] picks = Picks.allInFlight(balancer, 8, 0b1110);

    assertThat(picks).containsOnly(0);
  }

  @Test
  void everyEndpointExcludedLeavesNone() {
    RoundRobin balancer = new RoundRobin(3);

    assertThat(balancer.pick(0b111)).isEqualTo(-1);
    assertThat(balancer.pick(-1L)).isEqualTo(-1);
    assertThat(new RoundRobin(64).pick(-1L)).isEqualTo(-1);
    assertThat(balancer.pick(0)).as("the turn still moved on").isEqualTo(2);
  }

  @Test
  void bitsBeyondTheEndpointsAreIgnored() {
    RoundRobin balancer = new RoundRobin(2);

    assertThat(new int[] {balancer.pick(~0b11L), balancer.pick(~0b11L)}).containsExactly(0, 1);
  }
}
