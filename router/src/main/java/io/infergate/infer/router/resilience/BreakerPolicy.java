package io.infergate.infer.router.resilience;

import io.infergate.infer.router.Problems;
import java.time.Duration;

/**
 * When a variant's circuit breaker opens: over the calls of the last {@code window}, once at least
 * {@code minimumCalls} were seen, if {@code failureRate} percent failed ({@link
 * CallOutcome#isFailure}) or {@code slowCallRate} percent took longer than {@code slowCall}. An
 * open breaker skips its variant for {@code openFor}, then lets {@code halfOpenCalls} trial calls
 * through; it closes if they pass, opens again if they fail, and opens again after {@code
 * maxHalfOpen} if not enough trial calls came, so that it can never stick half-open.
 *
 * @param window length of the sliding window, whole seconds in 1s..1h
 * @param minimumCalls calls the window must hold before the rates count, 1..1000000: low enough
 *     that a canary's small share fills it within the window
 * @param failureRate percent, in (0, 100]
 * @param slowCall a call slower than this is slow, in (0, 1h]
 * @param slowCallRate percent, in (0, 100]
 * @param openFor how long the breaker stays open, in (0, 1h]
 * @param halfOpenCalls trial calls when half-open, 1..1000
 * @param maxHalfOpen how long the breaker may stay half-open, in (0, 1h]
 */
public record BreakerPolicy(
    Duration window,
    int minimumCalls,
    float failureRate,
    Duration slowCall,
    float slowCallRate,
    Duration openFor,
    int halfOpenCalls,
    Duration maxHalfOpen) {
  public static final BreakerPolicy DEFAULT =
      new BreakerPolicy(
          Duration.ofSeconds(10),
          20,
          50,
          Duration.ofSeconds(5),
          80,
          Duration.ofSeconds(5),
          5,
          Duration.ofSeconds(10));

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public BreakerPolicy {
    Problems problems = new Problems();
    problems.positive(window, "window");
    problems.check(
        window == null || (window.toNanos() % 1_000_000_000L == 0),
        "window",
        window,
        "whole seconds");
    problems.range(minimumCalls, "minimumCalls", 1, 1_000_000);
    problems.check(failureRate > 0 && failureRate <= 100, "failureRate", failureRate, "(0, 100]");
    problems.positive(slowCall, "slowCall");
    problems.check(
        slowCallRate > 0 && slowCallRate <= 100, "slowCallRate", slowCallRate, "(0, 100]");
    problems.positive(openFor, "openFor");
    problems.range(halfOpenCalls, "halfOpenCalls", 1, 1000);
    problems.positive(maxHalfOpen, "maxHalfOpen");
    problems.throwIfAny();
  }
}
