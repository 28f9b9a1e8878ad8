package io.infergate.infer.perf.reliability;

/**
 * One resilience scenario: starts its own real processes in a {@link Fleet}, drives load through
 * the gateway while it injects its fault, and reports what the calls saw against its goals.
 */
abstract class Scenario {
  private final String name;
  private final String gatewayConfig;

  /**
   * @param name the name {@code --scenario} selects it by, e.g. {@code kill9-canary}
   * @param gatewayConfig the gateway configuration it runs with, placeholders and all ({@link
   *     GatewayConfigs})
   */
  Scenario(String name, String gatewayConfig) {
    this.name = name;
    this.gatewayConfig = gatewayConfig;
  }

  final String name() {
    return name;
  }

  final String gatewayConfig() {
    return gatewayConfig;
  }

  /** What it does and what it expects, in a sentence or two of Markdown. */
  abstract String description();

  /** Runs it; the fleet is closed afterwards whatever happens. */
  abstract Outcome run(Fleet fleet) throws Exception;
}
