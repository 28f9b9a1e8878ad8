package io.infergate.infer.router.resilience;

import io.infergate.infer.router.Problems;

/**
 * How a route retries calls that never reached a model ({@link CallOutcome#isRetriable}), on
 * another endpoint or the next variant, always inside the call's one deadline. Retries are bounded
 * per call by {@code maxAttempts} and across calls by a budget, so that a failing fleet cannot
 * multiply its own load: retries may add up to {@code budgetRatio} of the route's calls, plus
 * {@code minRetriesPerSecond} so that a quiet route can still retry.
 *
 * @param maxAttempts attempts per call, the first included, 1..5; 1 turns retries off
 * @param budgetRatio retries per call allowed over time, 0..1
 * @param minRetriesPerSecond retries per second allowed whatever the traffic, 0..1000
 */
public record RetryPolicy(int maxAttempts, double budgetRatio, int minRetriesPerSecond) {
  public static final RetryPolicy DEFAULT = new RetryPolicy(3, 0.2, 10);

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public RetryPolicy {
    Problems problems = new Problems();
    problems.range(maxAttempts, "maxAttempts", 1, 5);
    problems.check(budgetRatio >= 0 && budgetRatio <= 1, "budgetRatio", budgetRatio, "0..1");
    problems.range(minRetriesPerSecond, "minRetriesPerSecond", 0, 1000);
    problems.throwIfAny();
  }
}
