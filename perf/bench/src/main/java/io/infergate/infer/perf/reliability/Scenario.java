package io.infergate.infer.perf.reliability;

/**
 * One resilience scenario: starts its own real processes in a {@link Fleet}, drives load through
 * the gateway while it injects its fault, and reports what the calls saw against its goals.
 *
 * @param name the name {@code --scenario} selects it by, e.g. {@code kill9-canary}
 * @param gatewayConfig the gateway configuration it runs with, placeholders and all ({@link
 *     GatewayConfigs}), as the results show it
 * @param description what it does and what it expects, in a sentence or two of Markdown
 * @param script what it does
 */
record Scenario(String name, String gatewayConfig, String description, Script script) {
  /** What a scenario does: one class each, which also says it in its {@code DESCRIPTION}. */
  interface Script {
    /** Runs it; the fleet is closed afterwards whatever happens. */
    Outcome run(Fleet fleet) throws Exception;
  }

  /** Runs it; the fleet is closed afterwards whatever happens. */
  Outcome run(Fleet fleet) throws Exception {
    return script.run(fleet);
  }
}
