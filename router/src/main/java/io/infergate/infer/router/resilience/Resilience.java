package io.infergate.infer.router.resilience;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.router.policy.SlowStartPolicy;

/**
 * Everything that keeps a route's callers served when its backends fail, stall or overload; every
 * part has defaults that suit a route nobody tuned, so a config file without these keys is
 * protected too.
 */
public record Resilience(
    Deadlines deadlines,
    Limits limits,
    BreakerPolicy breaker,
    OutlierPolicy outlier,
    RetryPolicy retry,
    SlowStartPolicy slowStart) {
  public static final Resilience DEFAULT =
      new Resilience(
          Deadlines.DEFAULT,
          Limits.DEFAULT,
          BreakerPolicy.DEFAULT,
          OutlierPolicy.DEFAULT,
          RetryPolicy.DEFAULT,
          SlowStartPolicy.OFF);

  public Resilience {
    requireNonNull(deadlines, "deadlines");
    requireNonNull(limits, "limits");
    requireNonNull(breaker, "breaker");
    requireNonNull(outlier, "outlier");
    requireNonNull(retry, "retry");
    requireNonNull(slowStart, "slowStart");
  }
}
