package io.infergate.infer.gateway.config;

import io.infergate.infer.observability.config.Durations;
import java.time.Duration;

/**
 * How the gateway follows the {@code dns:///name:port} endpoints of its routes (key {@code
 * discovery}): every {@code interval} it resolves each name again and, when a name's addresses
 * changed, serves one endpoint per address; pods a Deployment adds take calls, the channels of
 * those it removes drain. Absent values take the defaults.
 *
 * @param interval how often each name is resolved again (default 5s): how long a scaled-up pod may
 *     wait for its first call, and how long calls may still be sent to a pod that left the answer
 *     (they fail over to its siblings if it is gone). At least 1s: the JVM caches answers by the
 *     second ({@code networkaddress.cache.ttl}), so resolving more often would return the same.
 */
public record DiscoveryConfig(Duration interval) {
  /** The default {@code interval}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** The shortest {@code interval}. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** The longest {@code interval}: longer is a unit typed wrong. */
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);

  /** Every value at its default. */
  public static final DiscoveryConfig DEFAULT = new DiscoveryConfig(null);

  /**
   * Fills in the default and validates.
   *
   * @throws IllegalArgumentException {@code interval: 500ms (expected: a duration in 1s..1h0m0s)}
   */
  public DiscoveryConfig {
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "interval: "
              + Durations.format(interval)
              + " (expected: a duration in "
              + Durations.format(MIN_INTERVAL)
              + ".."
              + Durations.format(MAX_INTERVAL)
              + ")");
    }
  }
}
