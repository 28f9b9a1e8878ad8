package io.infergate.infer.router.policy;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The slow-start state of one variant's endpoints ({@link SlowStartPolicy}). An endpoint ramps for
 * {@code window} from the moment it is seen {@link #up} after having been {@link #down} (failing to
 * connect, ejected, or not yet seen at all) while another endpoint of the variant is up; while it
 * ramps, {@link #pick} sends it a call only with probability {@link #share}, a fraction that grows
 * linearly from {@link #MIN_SHARE} to 1, and gives the rest to the balancer's second choice. So a
 * ramping endpoint gets about {@code share} times the calls it would otherwise get; when every
 * endpoint ramps, they share alike, as Envoy's scaled weights do.
 *
 * <p>Pure logic: time is a parameter, as is the random draw. Lock-free and allocation-free: the
 * gateway's event loops report what they see of each endpoint on the call path (so a ramp starts
 * with the first call that finds the endpoint connected again), and its health checks do the same
 * when there is no traffic. When no endpoint ramps, a pick costs one volatile read.
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
  private final AtomicLong ramping = new AtomicLong();

  /** Bit i set while endpoint i is down, or has not been seen up yet: its next up ramps. */
  private final AtomicLong down;

  /** Bit i set for each endpoint i. */
  private final long all;

  /**
   * @param endpoints the variant's endpoints, 1..{@value EndpointBalancer#MAX_ENDPOINTS}; each
   *     starts down (not yet seen up), unless {@link #alreadyUp} says otherwise
   */
  public SlowStart(SlowStartPolicy policy, int endpoints) {
    requireNonNull(policy, "policy");
    if (endpoints < 1 || endpoints > EndpointBalancer.MAX_ENDPOINTS) {
      throw new IllegalArgumentException(
          "endpoints: " + endpoints + " (expected: 1.." + EndpointBalancer.MAX_ENDPOINTS + ")");
    }
    this.windowNanos = policy.window().toNanos();
    this.started = new AtomicLongArray(endpoints);
    this.all = endpoints == 64 ? -1L : (1L << endpoints) - 1;
    this.down = new AtomicLong(all);
  }

  /** Whether slow start is on at all; when off, nothing ever ramps. */
  public boolean enabled() {
    return windowNanos > 0;
  }

  /**
   * Marks endpoint {@code index} up without a ramp: it was serving before this state was made (such
   * as an endpoint a reload kept, whose connection is open).
   */
  public void alreadyUp(int index) {
    clear(down, 1L << index);
  }

  /** Notes that endpoint {@code index} cannot take calls: failing to connect, or ejected. */
  public void down(int index) {
    long bit = 1L << index;
    if ((down.get() & bit) == 0) {
      set(down, bit);
    }
  }

  /** Whether endpoint {@code index} is down, or has not been seen up yet. */
  public boolean isDown(int index) {
    return (down.get() & (1L << index)) != 0;
  }

  /**
   * Notes that endpoint {@code index} can take calls at {@code nowNanos}: if it was down and
   * another endpoint of the variant is up, its ramp starts now (of threads that see it come back at
   * once, one starts it). With no other endpoint up there is nobody to shift its load to: the first
   * endpoint of a variant to come up takes its full share at once.
   */
  public void up(int index, long nowNanos) {
    long bit = 1L << index;
    long before = down.get();
    if ((before & bit) != 0 && clear(down, bit)) {
      boolean siblingUp = (~before & all & ~bit) != 0;
      if (siblingUp) {
        reachable(index, nowNanos);
      }
    }
  }

  /** Starts endpoint {@code index}'s ramp at {@code nowNanos}, whatever was known of it. */
  public void reachable(int index, long nowNanos) {
    if (windowNanos == 0) {
      return;
    }
    started.set(index, nowNanos);
    set(ramping, 1L << index);
  }

  /** Ends the ramps whose window has passed, so that the call path stops looking at them. */
  public void expire(long nowNanos) {
    for (long left = ramping.get(); left != 0; left &= left - 1) {
      int index = Long.numberOfTrailingZeros(left);
      if (nowNanos - started.get(index) >= windowNanos) {
        clear(ramping, 1L << index);
      }
    }
  }

  /** Bit i set for each endpoint i ramping (its window may have passed since the last expire). */
  public long rampingMask() {
    return ramping.get();
  }

  /**
   * The fraction of its full share that endpoint {@code index} gets at {@code nowNanos}: 1 when it
   * does not ramp, else {@link #MIN_SHARE} growing linearly to 1 over the window.
   */
  public double share(int index, long nowNanos) {
    if ((ramping.get() & (1L << index)) == 0) {
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

  /** Sets {@code bit}; a loop rather than a lambda, which would allocate on the call path. */
  private static void set(AtomicLong mask, long bit) {
    long current;
    do {
      current = mask.get();
    } while ((current & bit) == 0 && !mask.compareAndSet(current, current | bit));
  }

  /** Clears {@code bit}; returns whether this call cleared it. */
  private static boolean clear(AtomicLong mask, long bit) {
    long current;
    do {
      current = mask.get();
      if ((current & bit) == 0) {
        return false;
      }
    } while (!mask.compareAndSet(current, current & ~bit));
    return true;
  }
}
