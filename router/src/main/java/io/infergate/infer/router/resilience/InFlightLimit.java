package io.infergate.infer.router.resilience;

import java.util.concurrent.atomic.AtomicInteger;

/** Admits at most {@code max} calls at once; a call past it is refused, never queued. */
public final class InFlightLimit {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
    }
    this.max = max;
  }

  /** Admits a call, which must then be {@link #release}d exactly once; false if full. */
  public boolean tryAcquire() {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  /** Calls admitted and not yet released. */
  public int inFlight() {
    return inFlight.get();
  }

  public int max() {
    return max;
  }
}
