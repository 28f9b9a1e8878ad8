package io.infergate.infer.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

  @ParameterizedTest
  @EnumSource(BalancePolicy.class)
  void theSixtyFourthEndpointIsReachableAndExcludable(BalancePolicy policy) {
    EndpointBalancer balancer = EndpointBalancer.of(policy, 64);

    assertThat(balancer.pick(~(1L << 63))).isEqualTo(63);
    for (int i = 0; i < 200; i++) {
      assertThat(balancer.pick(1L << 63)).isNotEqualTo(63);
    }
  }
}
