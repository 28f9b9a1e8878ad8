package io.infergate.infer.router.resilience;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The retries a route may still make ({@link RetryPolicy}): each call deposits {@code budgetRatio}
 * of a retry, time deposits {@code minRetriesPerSecond}, and each retry withdraws one. The balance
 * is capped at one second's worth of the floor plus a hundred calls' deposits, so a long healthy
 * spell cannot save up a retry storm for the next outage. Over any stretch, retries therefore stay
 * below {@code budgetRatio} times the calls plus {@code minRetriesPerSecond} per second plus that
 * cap.
 *
 * <p>Calls pay one atomic add; only retries, which are rare, pay the compare-and-set loop.
 */
public final class RetryBudget {
  /** Fixed point: a retry is worth this many units, so ratios like 0.2 stay integers. */
  private static final long RETRY = 1000;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * Time counted at most per refill: above the cap's one second of the floor, short of overflow.
   */
  private static final long MAX_REFILL_NANOS = 10 * NANOS_PER_SECOND;

  private final long perCall;
  private final long perSecond;
  private final long cap;
  private final LongSupplier nanoTime;
  private final AtomicLong balance;
  private final AtomicLong refilledAt;

  public RetryBudget(RetryPolicy policy, LongSupplier nanoTime) {
    requireNonNull(policy, "policy");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.perCall = Math.round(policy.budgetRatio() * RETRY);
    this.perSecond = policy.minRetriesPerSecond() * RETRY;
    this.cap = perSecond + 100 * perCall;
    this.balance = new AtomicLong(perSecond);
    this.refilledAt = new AtomicLong(nanoTime.getAsLong());
  }

  /** Records a call of the route. */
  public void onCall() {
    balance.getAndAdd(perCall);
  }

  /** Takes one retry from the budget; false if there is none left. */
  public boolean tryRetry() {
    refill();
    while (true) {
      long current = balance.get();
      long capped = Math.min(current, cap);
      if (capped < RETRY) {
        return false;
      }
      if (balance.compareAndSet(current, capped - RETRY)) {
        return true;
      }
    }
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    long last = refilledAt.get();
    long elapsed = now - last;
    if (perSecond == 0 || elapsed <= 0) {
      return;
    }
    // Capped before the multiply, which would overflow after hours.
    long earned = Math.min(elapsed, MAX_REFILL_NANOS) * perSecond / NANOS_PER_SECOND;
    if (earned <= 0) {
      return;
    }
    // The mark moves on by the time those units took (rounded up), not to now, so that the
    // fraction of a unit left over counts towards the next: when retries are asked for often, as in
    // an outage, moving to now would lose up to half the floor to rounding.
    long paidFor =
        elapsed > MAX_REFILL_NANOS
            ? elapsed
            : (earned * NANOS_PER_SECOND + perSecond - 1) / perSecond;
    if (refilledAt.compareAndSet(last, last + paidFor)) {
      balance.getAndAdd(Math.min(earned, cap));
    }
  }
}
