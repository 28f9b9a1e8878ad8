package io.infergate.infer.router.policy;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The slow-start state of one variant's endpoints ({@link SlowStartPolicy}). An endpoint ramps for
 * {@code window} from the moment it is reported {@link #reachable}; while it ramps, {@link #pick}
 * sends it a call only with probability {@link #share}, a fraction that grows linearly from {@link
 * #MIN_SHARE} to 1, and gives the rest to the balancer's next choice. So a ramping endpoint gets
 * about {@code share} times the calls it would otherwise get; when every endpoint ramps, they share
 * alike, as Envoy's scaled weights do.
 *
 * <p>Pure logic: time is a parameter, as is the random draw. The call path costs one volatile read
 * when no endpoint ramps, and allocates nothing and takes no lock when one does. {@link #reachable}
 * and {@link #expire} are called by one thread, the one that watches the endpoints.
 */
public final class SlowStart {
  /**
   * The share a ramping endpoint starts with: Envoy's {@code min_weight_percent} default, so that a
   * new endpoint gets some calls, and is seen working or failing, from its first moment.
   */
  public static final double MIN_SHARE = 0.1;

  private final long windowNanos;

  /**
   * Per endpoint, the time its ramp started; read only while its bit in {@link #ramping} is set.
   */
  private final AtomicLongArray started;

  /** Bit i set while endpoint i ramps. */
  private volatile long ramping;

  /**
   * @param endpoints the variant's endpoints, 1..{@value EndpointBalancer#MAX_ENDPOINTS}
   */
  public SlowStart(SlowStartPolicy policy, int endpoints) {
    requireNonNull(policy, "policy");
    if (endpoints < 1 || endpoints > EndpointBalancer.MAX_ENDPOINTS) {
      throw new IllegalArgumentException(
          "endpoints: " + endpoints + " (expected: 1.." + EndpointBalancer.MAX_ENDPOINTS + ")");
    }
    this.windowNanos = policy.window().toNanos();
    this.started = new AtomicLongArray(endpoints);
  }

  /** Whether slow start is on at all; when off, {@link #reachable} does nothing. */
  public boolean enabled() {
    return windowNanos > 0;
  }

  /** Starts endpoint {@code index}'s ramp at {@code nowNanos}: it has just become reachable. */
  public void reachable(int index, long nowNanos) {
    if (windowNanos == 0) {
      return;
    }
    started.set(index, nowNanos);
    ramping |= 1L << index;
  }

  /** Ends the ramps whose window has passed, so that the call path stops looking at them. */
  public void expire(long nowNanos) {
    long mask = ramping;
    for (long left = mask; left != 0; left &= left - 1) {
      int index = Long.numberOfTrailingZeros(left);
      if (nowNanos - started.get(index) >= windowNanos) {
        mask &= ~(1L << index);
      }
    }
    ramping = mask;
  }

  /** Bit i set for each endpoint i ramping (its window may have passed since the last expire). */
  public long rampingMask() {
    return ramping;
  }

  /**
   * The fraction of its full share that endpoint {@code index} gets at {@code nowNanos}: 1 when it
   * does not ramp, else {@link #MIN_SHARE} growing linearly to 1 over the window.
   */
  public double share(int index, long nowNanos) {
    if ((ramping & (1L << index)) == 0) {
      return 1;
    }
    long elapsed = nowNanos - started.get(index);
    if (elapsed >= windowNanos) {
      return 1;
    }
    return Math.max(MIN_SHARE, Math.max(0, elapsed) / (double) windowNanos);
  }

  /**
   * Picks an endpoint with {@code balancer}, giving a ramping endpoint only its share: when the
   * balancer's choice ramps and {@code uniform} is not below its share, the call goes to the
   * balancer's second choice instead ({@link EndpointBalancer#pickInstead}; its first choice
   * released), unless there is none. The same contract as {@link EndpointBalancer#pick(long)}: the
   * index returned is released once.
   *
   * @param uniform a random draw in [0, 1), such as {@code
   *     ThreadLocalRandom.current().nextDouble()}
   */
  public int pick(EndpointBalancer balancer, long excluded, long nowNanos, double uniform) {
    int first = balancer.pick(excluded);
    if (first < 0) {
      return first;
    }
    double share = share(first, nowNanos);
    if (uniform < share) {
      return first;
    }
    // The draw past the share is uniform over the rest of [0, 1): a fresh draw for the second pick.
    int other = balancer.pickInstead(excluded | (1L << first), (uniform - share) / (1 - share));
    if (other < 0) {
      // The only endpoint left takes the call: slow start shifts load, it never refuses it.
      return first;
    }
    balancer.release(first);
    return other;
  }
}
