package io.infergate.infer.router.policy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The endpoint with the fewest calls in flight. The scan and the increment are not one atomic step,
 * so two concurrent picks may both choose the same endpoint; that costs a little balance, never
 * correctness, and is far cheaper than a lock. The scan starts at a rotating index so that ties (an
 * idle variant, or equal load) spread over endpoints instead of piling onto the first.
 *
 * <p>The scan is linear in the number of endpoints, which suits the handful of replicas a variant
 * has.
 */
final class LeastOutstanding implements EndpointBalancer {
  private final int endpoints;
  private final AtomicIntegerArray outstanding;
  private final AtomicInteger start = new AtomicInteger();

  LeastOutstanding(int endpoints) {
    this.endpoints = endpoints;
    this.outstanding = new AtomicIntegerArray(endpoints);
  }

  @Override
  public int pick(long excluded) {
    int first = Math.floorMod(start.getAndIncrement(), endpoints);
    int best = -1;
    int bestCount = Integer.MAX_VALUE;
    for (int step = 0; step < endpoints && bestCount > 0; step++) {
      int candidate = first + step;
      if (candidate >= endpoints) {
        candidate -= endpoints;
      }
      if ((excluded & (1L << candidate)) != 0) {
        // An excluded endpoint has few calls because its calls fail fast: never the least loaded.
        continue;
      }
      int count = outstanding.get(candidate);
      if (count < bestCount) {
        best = candidate;
        bestCount = count;
      }
    }
    if (best >= 0) {
      outstanding.incrementAndGet(best);
    }
    return best;
  }

  @Override
  public void release(int index) {
    outstanding.decrementAndGet(index);
  }

  /** Calls in flight on endpoint {@code index}; for tests. */
  int outstanding(int index) {
    return outstanding.get(index);
  }

  @Override
  public String toString() {
    return "LeastOutstanding[outstanding=" + outstanding + "]";
  }
}
