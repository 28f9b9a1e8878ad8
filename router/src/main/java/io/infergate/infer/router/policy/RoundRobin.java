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
  public int pick() {
    // floorMod keeps the index in range after the counter wraps past Integer.MAX_VALUE; the one
    // uneven step at the wrap is harmless.
    return Math.floorMod(next.getAndIncrement(), endpoints);
  }

  @Override
  public void release(int index) {}

  @Override
  public String toString() {
    return "RoundRobin[endpoints=" + endpoints + "]";
  }
}
