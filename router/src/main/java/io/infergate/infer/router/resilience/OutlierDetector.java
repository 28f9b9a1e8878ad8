package io.infergate.infer.router.resilience;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.router.Problems;
import io.infergate.infer.router.policy.EndpointBalancer;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Ejects the endpoints of one variant that fail in a row ({@link OutlierPolicy}), as Envoy's
 * consecutive-failure outlier detection does: an endpoint is ejected after {@code
 * consecutiveFailures} failures, for {@code baseEjectionTime} times the number of ejections in a
 * row (capped at {@code maxEjectionTime}), and comes back by itself when its time is up. That count
 * stops growing once an ejection lasts {@code maxEjectionTime}, and goes down by one for each
 * {@code baseEjectionTime} the endpoint then spends without an ejection, so a replica that
 * recovered for good is treated as new after {@code maxEjectionTime} or so, however long its outage
 * was (Envoy caps its backoff the same way). Failures of calls that end while the endpoint is
 * ejected do not count: they were sent before the ejection and say nothing new, and counting them
 * would eject it again on its first failure back (Envoy resets the count on return for the same
 * reason).
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

  /** Ejections in a row past which the next would last no longer: the count stops there. */
  private final int maxTimes;

  private final LongSupplier nanoTime;
  private final AtomicIntegerArray consecutive;
  private final AtomicIntegerArray ejections;

  /** Per endpoint, the {@link #nanoTime} at which its last ejection ends (or ended). */
  private final AtomicLongArray ejectedUntil;

  /**
   * @param endpoints the variant's endpoints, 1..{@value EndpointBalancer#MAX_ENDPOINTS}: one bit
   *     each in {@link #ejectedMask}
   * @param nanoTime the clock, such as {@code System::nanoTime}
   * @throws IllegalArgumentException if {@code endpoints} is out of range
   */
  public OutlierDetector(OutlierPolicy policy, int endpoints, LongSupplier nanoTime) {
    this.policy = requireNonNull(policy, "policy");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    Problems problems = new Problems();
    problems.range(endpoints, "endpoints", 1, EndpointBalancer.MAX_ENDPOINTS);
    problems.throwIfAny();
    this.endpoints = endpoints;
    this.maxEjected = Math.max(1, endpoints * policy.maxEjectionPercent() / 100);
    long base = policy.baseEjectionTime().toNanos();
    this.maxTimes =
        (int) Math.min(Integer.MAX_VALUE, (policy.maxEjectionTime().toNanos() + base - 1) / base);
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
    long now = nanoTime.getAsLong();
    long until = ejectedUntil.get(index);
    if (now - until < 0) {
      return false;
    }
    int failures = consecutive.incrementAndGet(index);
    if (failures < policy.consecutiveFailures()) {
      return false;
    }
    // One thread wins the reset and decides; the others' failures fall into the next count.
    if (!consecutive.compareAndSet(index, failures, 0)) {
      return false;
    }
    if (ejectedCount(now) >= maxEjected) {
      return false;
    }
    long base = policy.baseEjectionTime().toNanos();
    int decayed = (int) Math.max(0, ejections.get(index) - (now - until) / base);
    int times = Math.min(decayed + 1, maxTimes);
    long length = Math.min(policy.maxEjectionTime().toNanos(), base * times);
    // Threads that crossed the threshold again before the winner marked its ejection read the same
    // end as the winner did: only one ejection per end, so the first is not doubled.
    if (!ejectedUntil.compareAndSet(index, until, now + length)) {
      return false;
    }
    ejections.set(index, times);
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
