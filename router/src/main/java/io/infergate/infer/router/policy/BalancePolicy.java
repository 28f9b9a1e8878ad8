package io.infergate.infer.router.policy;

import io.infergate.infer.router.ConfigNames;
import java.util.Locale;

/**
 * How a variant spreads calls over its endpoints. Named in config per variant because the right
 * choice depends on the backend: equal replicas do well with round robin, while replicas whose
 * latency varies (batching, cold caches, mixed hardware) do better when new calls avoid the busiest
 * one.
 */
public enum BalancePolicy {
  /** Each endpoint in turn; cheapest, and fair when endpoints are alike. */
  ROUND_ROBIN,
  /** The endpoint with the fewest calls in flight from this gateway; adapts to slow replicas. */
  LEAST_OUTSTANDING;

  /**
   * Returns the policy a config file names, such as {@code round_robin}, in any case; null if
   * {@code name} names none.
   */
  public static BalancePolicy fromConfigName(String name) {
    return ConfigNames.find(values(), name == null ? null : name.toLowerCase(Locale.ROOT));
  }

  /** Returns the name config files use, such as {@code round_robin}. */
  public String configName() {
    return ConfigNames.of(this);
  }
}
