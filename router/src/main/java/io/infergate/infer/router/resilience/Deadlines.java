package io.infergate.infer.router.resilience;

import io.infergate.infer.router.Problems;
import java.time.Duration;

/**
 * How long a route's calls may take. A call without a deadline gets {@code initial}; a longer one
 * is cut to {@code max}, so that no caller can hold the gateway's and a model server's resources
 * for ever. Every attempt, retries and fallbacks included, runs inside the one resulting deadline.
 *
 * @param initial the deadline of calls that set none, in (0, max]
 * @param max the longest deadline a call gets, in (0, 1h]
 */
public record Deadlines(Duration initial, Duration max) {
  // Declared before DEFAULT, whose validation reads it during class initialization.
  private static final Duration LONGEST = Duration.ofHours(1);

  public static final Deadlines DEFAULT =
      new Deadlines(Duration.ofSeconds(30), Duration.ofMinutes(5));

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public Deadlines {
    Problems problems = new Problems();
    problems.positive(max, "max", LONGEST);
    // Against a bad max the default is held to the widest bound, so its message can be satisfied.
    boolean maxValid =
        max != null && max.compareTo(Duration.ZERO) > 0 && max.compareTo(LONGEST) <= 0;
    problems.positive(initial, "default", maxValid ? max : LONGEST);
    problems.throwIfAny();
  }
}
