package io.infergate.infer.router.policy;

import io.infergate.infer.router.Problems;
import java.time.Duration;

/**
 * Slow start, as Envoy's {@code slow_start_config}: an endpoint that has just become reachable (a
 * new replica, a restarted one, the end of an ejection) gets a share of its variant's calls that
 * grows linearly from {@link SlowStart#MIN_SHARE} to its full share over {@code window}, so that a
 * replica with cold caches, JIT and connections never takes full load at once. Off by default, as
 * in Envoy: with one endpoint per variant it changes nothing, and while one endpoint ramps its
 * siblings carry the rest.
 *
 * @param window how long an endpoint's share ramps up; zero turns slow start off; at most 1h
 */
public record SlowStartPolicy(Duration window) {
  /** Off: every reachable endpoint takes its full share at once. */
  public static final SlowStartPolicy OFF = new SlowStartPolicy(Duration.ZERO);

  /**
   * @throws IllegalArgumentException naming the bad field
   */
  public SlowStartPolicy {
    Problems problems = new Problems();
    problems.check(
        window != null
            && !window.isNegative()
            && window.compareTo(Problems.MAX_POLICY_DURATION) <= 0,
        "window",
        window,
        "0s (off) to " + Problems.MAX_POLICY_DURATION);
    problems.throwIfAny();
  }

  /** Whether slow start is on. */
  public boolean enabled() {
    return !window.isZero();
  }
}
