package io.infergate.infer.router.policy;

import static java.util.Objects.requireNonNull;

/**
 * Picks which endpoint of a variant serves the next call. An interface so that the gateway's hot
 * path is the same whatever the policy; implementations are lock-free and allocate nothing per
 * call, because every call on every event loop goes through one.
 *
 * <p>Each {@link #pick()} must be followed by exactly one {@link #release(int)} with the picked
 * index when the call ends, whatever the policy, so that the gateway need not know which policy
 * counts calls.
 */
public interface EndpointBalancer {
  /** Endpoints a variant may have: one bit each in an exclusion mask. */
  int MAX_ENDPOINTS = 64;

  /**
   * Returns a balancer for {@code endpoints} endpoints, indexed {@code 0..endpoints-1} in config
   * order.
   *
   * @throws IllegalArgumentException if {@code endpoints} is not in 1..{@value #MAX_ENDPOINTS}
   */
  static EndpointBalancer of(BalancePolicy policy, int endpoints) {
    requireNonNull(policy, "policy");
    if (endpoints < 1 || endpoints > MAX_ENDPOINTS) {
      throw new IllegalArgumentException(
          "endpoints: " + endpoints + " (expected: 1.." + MAX_ENDPOINTS + ")");
    }
    return switch (policy) {
      case ROUND_ROBIN -> new RoundRobin(endpoints);
      case LEAST_OUTSTANDING -> new LeastOutstanding(endpoints);
    };
  }

  /** Returns the index of the endpoint that serves the next call. */
  default int pick() {
    return pick(0L);
  }

  /**
   * Returns the index of the endpoint that serves the next call among those whose bit is clear in
   * {@code excluded} (bit {@code i} for endpoint {@code i}: ejected, unreachable, or just failed
   * this call), or -1 when every endpoint is excluded; -1 needs no release.
   */
  int pick(long excluded);

  /**
   * Picks a second choice for a call whose first choice was declined (a ramping endpoint's share is
   * spent, see {@link SlowStart}), among those whose bit is clear in {@code excluded}; -1 when none
   * is left. {@code uniform}, a draw in [0, 1), may spread such calls: a policy whose turn order is
   * shared must not let them shift its turns. By default, {@link #pick(long)}.
   */
  default int pickInstead(long excluded, double uniform) {
    return pick(excluded);
  }

  /** Tells the balancer that the call sent to endpoint {@code index} has ended. */
  void release(int index);
}
