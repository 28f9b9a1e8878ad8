package io.infergate.infer.observability.server;

import io.infergate.infer.observability.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a server warms its own request path before it reports SERVING: calls through its real gRPC
 * stack over loopback until their latency has settled or the budget is spent ({@link Warmup}). One
 * type for both servers, so that a key means the same on each. Absent values take their defaults.
 *
 * @param enabled whether to warm up at all (default true); false reports SERVING as soon as the
 *     port is bound, with the request path cold
 * @param maxDuration the budget: past it the server reports SERVING however warm it is (default
 *     20s; 0s..10m)
 * @param minCalls calls made before latency may count as settled, enough for the JIT to compile the
 *     request path (default 2000; 0..1,000,000)
 * @param concurrency warm-up calls in flight at once, so that every event loop and worker thread
 *     runs the path (default 8; 1..1024)
 */
public record WarmupConfig(
    Boolean enabled, Duration maxDuration, Integer minCalls, Integer concurrency) {

  /** The longest budget that may be configured: longer is a typo, not a setting. */
  public static final Duration MAX_DURATION_LIMIT = Duration.ofMinutes(10);

  /** The defaults: on, 20s at most, 2,000 calls at least, 8 in flight. */
  public static final WarmupConfig DEFAULT = new WarmupConfig(null, null, null, null);

  /** No warm-up: SERVING as soon as the port is bound. */
  public static final WarmupConfig OFF = new WarmupConfig(false, null, null, null);

  /**
   * Fills in the defaults and validates.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public WarmupConfig {
    enabled = enabled == null || enabled;
    maxDuration = maxDuration == null ? Duration.ofSeconds(20) : maxDuration;
    minCalls = minCalls == null ? 2000 : minCalls;
    concurrency = concurrency == null ? 8 : concurrency;
    List<String> problems = new ArrayList<>();
    if (maxDuration.isNegative() || maxDuration.compareTo(MAX_DURATION_LIMIT) > 0) {
      problems.add(
          "maxDuration: "
              + Durations.format(maxDuration)
              + " (expected: a duration in 0s.."
              + Durations.format(MAX_DURATION_LIMIT)
              + ")");
    }
    if (minCalls < 0 || minCalls > 1_000_000) {
      problems.add("minCalls: " + minCalls + " (expected: an integer in 0..1000000)");
    }
    if (concurrency < 1 || concurrency > 1024) {
      problems.add("concurrency: " + concurrency + " (expected: an integer in 1..1024)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** Whether any warm-up call is made: enabled with a budget above zero. */
  public boolean active() {
    return enabled && !maxDuration.isZero();
  }
}
