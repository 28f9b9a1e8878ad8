package io.infergate.infer.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointBalancerTest {

  @Test
  void thePolicyChoosesTheBalancer() {
    assertThat(EndpointBalancer.of(BalancePolicy.ROUND_ROBIN, 2)).isInstanceOf(RoundRobin.class);
    assertThat(EndpointBalancer.of(BalancePolicy.LEAST_OUTSTANDING, 2))
        .isInstanceOf(LeastOutstanding.class);
  }

  @Test
  void aBalancerNeedsAtLeastOneEndpoint() {
    assertThatThrownBy(() -> EndpointBalancer.of(BalancePolicy.ROUND_ROBIN, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 0 (expected: 1..64)");
  }

  @Test
  void aBalancerTakesAtMostSixtyFourEndpointsOneBitEachInAnExclusionMask() {
    assertThat(EndpointBalancer.of(BalancePolicy.LEAST_OUTSTANDING, 64).pick(~(1L << 63)))
        .isEqualTo(63);
    assertThatThrownBy(() -> EndpointBalancer.of(BalancePolicy.ROUND_ROBIN, 65))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: 65 (expected: 1..64)");
  }
}
