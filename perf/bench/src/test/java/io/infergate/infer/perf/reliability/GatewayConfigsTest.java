package io.infergate.infer.perf.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigsTest {
  @Test
  void replacesEveryPlaceholder() {
    String yaml =
        GatewayConfigs.render(
            GatewayConfigs.DEAD_ENDPOINT,
            Map.of("A", "127.0.0.1:1", "DEAD", "127.0.0.1:2", "BALANCE", "least_outstanding"));

    assertThat(yaml)
        .contains(
            "{name: stable, weight: 100, endpoints: [\"127.0.0.1:1\", \"127.0.0.1:2\"],"
                + " balance: least_outstanding}")
        .doesNotContain("${");
  }

  @Test
  void namesAPlaceholderWithoutValue() {
    assertThatThrownBy(() -> GatewayConfigs.render(GatewayConfigs.CANARY, Map.of("A", "x:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("${B}: no value (given: [A])");
  }

  @Test
  void everyScenarioHasItsOwnConfigWithoutResilienceKeys() {
    for (Scenario scenario : ReliabilityBench.scenarios(0).values()) {
      assertThat(scenario.gatewayConfig())
          .as(scenario.name())
          .contains("routes:")
          .doesNotContain("breaker", "fallback", "retry", "admission");
    }
  }
}
