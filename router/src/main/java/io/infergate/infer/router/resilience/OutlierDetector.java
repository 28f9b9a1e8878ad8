package io.infergate.infer.router.resilience;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Ejects the endpoints of one variant that fail in a row ({@link OutlierPolicy}), as Envoy's
 * consecutive-failure outlier detection does: an endpoint is ejected after {@code
 * consecutiveFailures} failures, for {@code baseEjectionTime} times the number of ejections in a
 * row (capped at {@code maxEjectionTime}), and comes back by itself when its time is up. That count
 * goes down by one for each {@code baseEjectionTime} the endpoint then spends without an ejection,
 * so a replica that recovered for good is soon treated as new.
 *
 * <p>Lock-free: the counters are atomic arrays indexed by endpoint. Two endpoints failing at the
 * same instant may both pass the check of the ejection cap, so the cap can be exceeded by the
 * number of endpoints crossing their threshold at once; that costs a little capacity for one
 * ejection time and never correctness.
 */
public final class OutlierDetector {
  private final OutlierPolicy policy;
  private final int endpoints;
  private final int maxEjected;
  private final LongSupplier nanoTime;
  private final AtomicIntegerArray consecutive;
  private final AtomicIntegerArray ejections;

  /** Per endpoint, the {@link #nanoTime} at which its last ejection ends (or ended). */
  private final AtomicLongArray ejectedUntil;

  /**
   * @param nanoTime the clock, such as {@code System::nanoTime}
   */
  public OutlierDetector(OutlierPolicy policy, int endpoints, LongSupplier nanoTime) {
    this.policy = requireNonNull(policy, "policy");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.endpoints = endpoints;
    this.maxEjected = Math.max(1, endpoints * policy.maxEjectionPercent() / 100);
    this.consecutive = new AtomicIntegerArray(endpoints);
    this.ejections = new AtomicIntegerArray(endpoints);
    this.ejectedUntil = new AtomicLongArray(endpoints);
    long now = nanoTime.getAsLong();
    for (int i = 0; i < endpoints; i++) {
      ejectedUntil.set(i, now);
    }
  }

  /** The policy this detector applies. */
  public OutlierPolicy policy() {
    return policy;
  }

  /** Whether endpoint {@code index} is ejected now. */
  public boolean isEjected(int index) {
    return isEjected(index, nanoTime.getAsLong());
  }

  /** Bit {@code i} set for each ejected endpoint {@code i}: what a balancer should skip. */
  public long ejectedMask() {
    long now = nanoTime.getAsLong();
    long mask = 0;
    for (int i = 0; i < endpoints; i++) {
      if (isEjected(i, now)) {
        mask |= 1L << i;
      }
    }
    return mask;
  }

  /** Records an answer from endpoint {@code index} that shows it working. */
  public void onSuccess(int index) {
    // A plain read first: the common case writes nothing, so healthy endpoints cost no contention.
    if (consecutive.get(index) != 0) {
      consecutive.set(index, 0);
    }
  }

  /**
   * Records a failure of endpoint {@code index}.
   *
   * @return whether this failure ejected the endpoint
   */
  public boolean onFailure(int index) {
    int failures = consecutive.incrementAndGet(index);
    if (failures < policy.consecutiveFailures()) {
      return false;
    }
    long now = nanoTime.getAsLong();
    // One thread wins the reset and decides; the others' failures fall into the next count.
    if (isEjected(index, now) || !consecutive.compareAndSet(index, failures, 0)) {
      return false;
    }
    if (ejectedCount(now) >= maxEjected) {
      return false;
    }
    long base = policy.baseEjectionTime().toNanos();
    long healthySince = now - ejectedUntil.get(index);
    int decayed = (int) Math.max(0, ejections.get(index) - healthySince / base);
    int times = decayed + 1;
    ejections.set(index, times);
    long length = Math.min(policy.maxEjectionTime().toNanos(), base * times);
    ejectedUntil.set(index, now + length);
    return true;
  }

  /** Endpoints ejected now. */
  public int ejectedCount() {
    return ejectedCount(nanoTime.getAsLong());
  }

  private int ejectedCount(long now) {
    int count = 0;
    for (int i = 0; i < endpoints; i++) {
      if (isEjected(i, now)) {
        count++;
      }
    }
    return count;
  }

  private boolean isEjected(int index, long now) {
    return now - ejectedUntil.get(index) < 0;
  }
}
