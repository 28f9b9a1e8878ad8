package io.infergate.infer.router.release;

import io.infergate.infer.router.Problems;
import java.time.Duration;
import java.util.List;

/**
 * How a canary is ramped: its weight goes through {@code steps}, each held for {@code hold} while
 * {@code gates} hold, while {@code stable} takes the rest of 100; a gate breached sends the canary
 * back to 0.
 *
 * @param canary the variant whose weight rises
 * @param stable the variant it is judged against and that takes back its weight
 * @param steps the canary's weight at each step, rising, each 1..100
 * @param hold how long each step is held, in [1 s, 1 day] and at least the gates' window
 */
public record RampPlan(
    String canary, String stable, List<Integer> steps, Duration hold, Gates gates) {
  public static final List<Integer> DEFAULT_STEPS = List.of(1, 5, 25, 50, 100);
  public static final Duration DEFAULT_HOLD = Duration.ofSeconds(60);

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public RampPlan {
    Problems problems = new Problems();
    problems.nonBlank(canary, "canary");
    problems.nonBlank(stable, "stable");
    problems.check(
        canary == null || !canary.equals(stable), "stable", stable, "a variant other than canary");
    problems.check(
        steps != null && !steps.isEmpty() && steps.size() <= 100, "steps", steps, "1..100 weights");
    if (steps != null) {
      int previous = 0;
      for (int i = 0; i < steps.size(); i++) {
        Integer step = steps.get(i);
        problems.check(
            step != null && step > previous && step <= 100,
            "steps[" + i + "]",
            step,
            "rising, " + (previous + 1) + "..100");
        previous = step == null ? previous : step;
      }
    }
    problems.check(
        hold != null
            && hold.compareTo(Duration.ofSeconds(1)) >= 0
            && hold.compareTo(Duration.ofDays(1)) <= 0,
        "hold",
        hold,
        "1s..1d");
    problems.check(gates != null, "gates", gates, "present");
    // A step held for less than the window would be judged partly on the step before it.
    problems.check(
        hold == null || gates == null || hold.compareTo(gates.window()) >= 0,
        "hold",
        hold,
        "at least gates.window (" + (gates == null ? "?" : gates.window()) + ")");
    problems.throwIfAny();
    steps = List.copyOf(steps);
  }

  /** The canary's weight at step {@code index}. */
  public int canaryWeight(int index) {
    return steps.get(index);
  }

  /** The stable variant's weight at step {@code index}: the rest of 100. */
  public int stableWeight(int index) {
    return 100 - steps.get(index);
  }

  public int lastStep() {
    return steps.size() - 1;
  }
}
