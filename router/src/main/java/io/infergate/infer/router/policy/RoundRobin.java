package io.infergate.infer.router.policy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Endpoints in turn from one shared counter; it keeps no per-call state, so release does nothing.
 */
final class RoundRobin implements EndpointBalancer {
  private final int endpoints;
  private final AtomicInteger next = new AtomicInteger();

  RoundRobin(int endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public int pick(long excluded) {
    // floorMod keeps the index in range after the counter wraps past Integer.MAX_VALUE; the one
    // uneven step at the wrap is harmless.
    int first = Math.floorMod(next.getAndIncrement(), endpoints);
    if ((excluded & (1L << first)) == 0) {
      return first;
    }
    // The next endpoint in turn that is not excluded, so that the share of a dead endpoint goes to
    // the one after it rather than failing.
    for (int step = 1; step < endpoints; step++) {
      int candidate = first + step < endpoints ? first + step : first + step - endpoints;
      if ((excluded & (1L << candidate)) == 0) {
        return candidate;
      }
    }
    return -1;
  }

  /**
   * One of the endpoints left, chosen by {@code uniform} and not by the turn counter: taking a turn
   * here would hand the declined endpoint's next turn to the same caller again and skew the shares.
   */
  @Override
  public int pickInstead(long excluded, double uniform) {
    long allowed = ~excluded & (endpoints == 64 ? -1L : (1L << endpoints) - 1);
    int left = Long.bitCount(allowed);
    if (left == 0) {
      return -1;
    }
    for (int skip = Math.min(left - 1, (int) (uniform * left)); skip > 0; skip--) {
      allowed &= allowed - 1;
    }
    return Long.numberOfTrailingZeros(allowed);
  }

  @Override
  public void release(int index) {}

  @Override
  public String toString() {
    return "RoundRobin[endpoints=" + endpoints + "]";
  }
}
