package io.infergate.infer.router;

import java.time.Duration;

/**
 * Copies a fraction of a route's calls to one more variant, whose responses are dropped. This lets
 * a new model see production traffic and load before it serves anyone. Copies are bounded: at most
 * {@code maxInFlight} at once (more are dropped, never queued), each with its own {@code timeout},
 * so a slow shadow can never hold the gateway's resources for long.
 *
 * @param variant name of a variant of the same route; it may have weight 0, so it serves only
 *     copies
 * @param fraction share of calls copied, in (0, 1]
 * @param maxInFlight copies outstanding at most, in 1..1000000
 * @param timeout deadline of each copy, in (0, 1h]
 */
public record Shadow(String variant, double fraction, int maxInFlight, Duration timeout) {
  /** Copies outstanding at most when the config does not say. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;

  /** Deadline of each copy when the config does not say. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /**
   * Validates the shadow; that the variant exists is checked by the route.
   *
   * @throws IllegalArgumentException naming each bad field, if the variant is blank or a number out
   *     of range
   */
  public Shadow {
    check(variant, fraction, maxInFlight, timeout).throwIfAny();
  }

  /**
   * Returns the shadow a config file describes; null stands for a key the file leaves out, which
   * takes its default ({@link #DEFAULT_MAX_IN_FLIGHT}, {@link #DEFAULT_TIMEOUT}), except the
   * fraction, which is required.
   *
   * @throws IllegalArgumentException naming each bad field, all at once
   */
  public static Shadow of(String variant, Double fraction, Integer maxInFlight, Duration timeout) {
    int max = maxInFlight == null ? DEFAULT_MAX_IN_FLIGHT : maxInFlight;
    Duration deadline = timeout == null ? DEFAULT_TIMEOUT : timeout;
    check(variant, fraction, max, deadline).throwIfAny();
    return new Shadow(variant, fraction, max, deadline);
  }

  private static Problems check(
      String variant, Double fraction, int maxInFlight, Duration timeout) {
    Problems problems = new Problems();
    problems.nonBlank(variant, "variant");
    problems.check(
        fraction != null && fraction > 0 && fraction <= 1, "fraction", fraction, "> 0 and <= 1");
    problems.check(
        maxInFlight >= 1 && maxInFlight <= 1_000_000, "maxInFlight", maxInFlight, "1..1000000");
    problems.check(
        timeout != null
            && !timeout.isNegative()
            && !timeout.isZero()
            && timeout.compareTo(MAX_TIMEOUT) <= 0,
        "timeout",
        timeout,
        "> 0 and <= PT1H");
    return problems;
  }
}
