package io.infergate.infer.perf.reliability;

/**
 * One resilience scenario: starts its own real processes in a {@link Fleet}, drives load through
 * the gateway while it injects its fault, and reports what the calls saw against its goals.
 */
interface Scenario {
  /** The name {@code --scenario} selects it by, e.g. {@code kill9-canary}. */
  String name();

  /** What it does and what it expects, in a sentence or two of Markdown. */
  String description();

  /** The gateway configuration it runs with, placeholders and all ({@link GatewayConfigs}). */
  String gatewayConfig();

  /** Runs it; the fleet is closed afterwards whatever happens. */
  Outcome run(Fleet fleet) throws Exception;
}
