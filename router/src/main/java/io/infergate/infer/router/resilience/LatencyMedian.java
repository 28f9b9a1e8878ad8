package io.infergate.infer.router.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A running estimate of the median latency of a variant's recent successful calls, in one atomic
 * long: each sample moves the estimate a sixteenth of itself towards the sample's side, so it
 * settles where as many samples fall above as below, follows a shift within a few dozen calls, and
 * costs no memory per sample. The gateway compares a call's remaining deadline with it, so that a
 * call that cannot finish in time is not sent.
 *
 * <p>Concurrent updates may overwrite each other; a lost step of one sample does not matter to an
 * estimate.
 */
public final class LatencyMedian {
  private final AtomicLong estimate = new AtomicLong();

  /** Adds the latency of a successful call, in nanoseconds. */
  public void record(long nanos) {
    long current = estimate.get();
    if (current == 0) {
      estimate.compareAndSet(0, Math.max(1, nanos));
      return;
    }
    long step = Math.max(1, current >> 4);
    long next = nanos > current ? current + step : nanos < current ? current - step : current;
    if (next != current) {
      estimate.compareAndSet(current, Math.max(1, next));
    }
  }

  /** The estimate in nanoseconds; 0 before the first sample. */
  public long nanos() {
    return estimate.get();
  }
}
