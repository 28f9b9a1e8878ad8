package io.infergate.infer.perf.reliability;

/**
 * One resilience scenario: starts its own real processes in a {@link Fleet}, drives load through
 * the gateway while it injects its fault, and reports what the calls saw against its goals.
 */
abstract class Scenario {
  private final String name;
  private final String gatewayConfig;
  private final String description;

  /**
   * @param name the name {@code --scenario} selects it by, e.g. {@code kill9-canary}
   * @param gatewayConfig the gateway configuration it runs with, placeholders and all ({@link
   *     GatewayConfigs})
   * @param description what it does and what it expects, in a sentence or two of Markdown
   */
  Scenario(String name, String gatewayConfig, String description) {
    this.name = name;
    this.gatewayConfig = gatewayConfig;
    this.description = description;
  }

  final String name() {
    return name;
  }

  final String gatewayConfig() {
    return gatewayConfig;
  }

  /** What it does and what it expects, in a sentence or two of Markdown. */
  final String description() {
    return description;
  }

  /** Runs it; the fleet is closed afterwards whatever happens. */
  abstract Outcome run(Fleet fleet) throws Exception;
}
