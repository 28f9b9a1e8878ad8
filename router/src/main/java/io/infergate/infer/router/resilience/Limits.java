package io.infergate.infer.router.resilience;

import io.infergate.infer.router.Problems;
import java.time.Duration;

/**
 * How many calls a route admits at once. Past a limit a call is refused at once with
 * RESOURCE_EXHAUSTED and a {@code grpc-retry-pushback-ms} of {@code pushback}, never queued: a
 * queue in front of a saturated model server only adds latency to every call in it.
 *
 * @param maxInFlight calls of the route in flight at most, 1..1000000
 * @param maxInFlightPerVariant calls in flight at most on each variant (its bulkhead), 1..1000000;
 *     a full variant is skipped like a failing one, so its calls go to the others
 * @param pushback how long a refused caller is asked to wait before retrying, in (0, 1h]
 */
public record Limits(int maxInFlight, int maxInFlightPerVariant, Duration pushback) {
  // Declared before DEFAULT, whose validation reads it during class initialization.
  private static final int MAX = 1_000_000;

  public static final Limits DEFAULT = new Limits(1024, 1024, Duration.ofMillis(100));

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public Limits {
    Problems problems = new Problems();
    problems.range(maxInFlight, "maxInFlight", 1, MAX);
    problems.range(maxInFlightPerVariant, "maxInFlightPerVariant", 1, MAX);
    problems.positive(pushback, "pushback");
    problems.throwIfAny();
  }
}
