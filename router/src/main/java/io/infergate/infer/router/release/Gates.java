package io.infergate.infer.router.release;

import io.infergate.infer.router.Problems;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a canary must keep to, judged against its stable variant over the last {@code window}: its
 * backend-failure rate at most {@code maxFailureRateIncrease} above stable's (caller errors never
 * count, so a canary sent bad input is not blamed for it), and its median latency at most {@code
 * maxP50Ratio} times stable's (and its p99 at most {@code maxP99Ratio} times, if set), unless
 * within {@code minLatencyIncrease} of it, so that noise on a fast model is no breach. Nothing is
 * judged before the canary answered {@code minCalls} in the window; latency not before stable did
 * too. A breach must be found {@code breachesToRollBack} times in a row before it rolls back.
 *
 * <p>The median by default, the p99 only on request: over a few seconds of a canary's calls, the
 * p99 is a handful of calls, and a cold connection or a collection pause moves it tenfold.
 *
 * @param maxFailureRateIncrease a share, in (0, 1]
 * @param maxP50Ratio in [1, 100]
 * @param maxP99Ratio in [1, 100], or 0: not judged
 * @param minLatencyIncrease in [0, 1 min]
 * @param minCalls 1..1000000
 * @param window in [1 s, {@link #MAX_WINDOW}], whole seconds
 * @param breachesToRollBack 1..60
 */
public record Gates(
    double maxFailureRateIncrease,
    double maxP50Ratio,
    double maxP99Ratio,
    Duration minLatencyIncrease,
    int minCalls,
    Duration window,
    int breachesToRollBack) {
  /** The longest window the gateway keeps figures for. */
  public static final Duration MAX_WINDOW = Duration.ofSeconds(30);

  public static final Gates DEFAULT =
      new Gates(0.05, 2.0, 0, Duration.ofMillis(5), 20, Duration.ofSeconds(10), 3);

  /**
   * @throws IllegalArgumentException naming each bad field
   */
  public Gates {
    Problems problems = new Problems();
    problems.check(
        maxFailureRateIncrease > 0 && maxFailureRateIncrease <= 1,
        "gates.max_failure_rate_increase",
        maxFailureRateIncrease,
        "a share in (0, 1]");
    problems.check(
        maxP50Ratio >= 1 && maxP50Ratio <= 100, "gates.max_p50_ratio", maxP50Ratio, "1..100");
    problems.check(
        maxP99Ratio == 0 || (maxP99Ratio >= 1 && maxP99Ratio <= 100),
        "gates.max_p99_ratio",
        maxP99Ratio,
        "0 (not judged) or 1..100");
    problems.check(
        minLatencyIncrease != null
            && !minLatencyIncrease.isNegative()
            && minLatencyIncrease.compareTo(Duration.ofMinutes(1)) <= 0,
        "gates.min_latency_increase",
        minLatencyIncrease,
        ">= 0 and <= 1m");
    problems.range(minCalls, "gates.min_calls", 1, 1_000_000);
    problems.check(
        window != null
            && window.compareTo(Duration.ofSeconds(1)) >= 0
            && window.compareTo(MAX_WINDOW) <= 0
            && window.toNanos() % 1_000_000_000L == 0,
        "gates.window",
        window,
        "whole seconds in 1s.." + MAX_WINDOW.toSeconds() + "s");
    problems.range(breachesToRollBack, "gates.breaches_to_roll_back", 1, 60);
    problems.throwIfAny();
  }

  /** Compares {@code canary} with {@code stable}, both over {@link #window}. */
  public Verdict judge(WindowFigures canary, WindowFigures stable) {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("canary_calls", (double) canary.calls());
    figures.put("canary_failure_rate", canary.backendFailureRate());
    figures.put("stable_calls", (double) stable.calls());
    figures.put("stable_failure_rate", stable.backendFailureRate());
    figures.put("canary_p50_ms", canary.p50Nanos() / 1e6);
    figures.put("stable_p50_ms", stable.p50Nanos() / 1e6);
    figures.put("canary_p99_ms", canary.p99Nanos() / 1e6);
    figures.put("stable_p99_ms", stable.p99Nanos() / 1e6);
    if (canary.calls() < minCalls) {
      return new Verdict(
          Verdict.Kind.TOO_FEW_CALLS,
          "canary answered "
              + canary.calls()
              + " calls in "
              + window.toSeconds()
              + "s, fewer than"
              + " min_calls "
              + minCalls,
          figures);
    }
    double increase = canary.backendFailureRate() - stable.backendFailureRate();
    if (increase > maxFailureRateIncrease) {
      return new Verdict(
          Verdict.Kind.BREACHED,
          String.format(
              "backend failure rate %.1f%% against stable's %.1f%% (at most %.1f points more)",
              100 * canary.backendFailureRate(),
              100 * stable.backendFailureRate(),
              100 * maxFailureRateIncrease),
          figures);
    }
    if (stable.calls() >= minCalls) {
      if (slower(canary.p50Nanos(), stable.p50Nanos(), maxP50Ratio)) {
        return latencyBreach("p50", canary.p50Nanos(), stable.p50Nanos(), maxP50Ratio, figures);
      }
      if (maxP99Ratio > 0 && slower(canary.p99Nanos(), stable.p99Nanos(), maxP99Ratio)) {
        return latencyBreach("p99", canary.p99Nanos(), stable.p99Nanos(), maxP99Ratio, figures);
      }
    }
    return new Verdict(Verdict.Kind.HOLDING, "gates hold", figures);
  }

  private boolean slower(long canaryNanos, long stableNanos, double maxRatio) {
    return canaryNanos > maxRatio * stableNanos
        && canaryNanos - stableNanos > minLatencyIncrease.toNanos();
  }

  private static Verdict latencyBreach(
      String quantile, long canaryNanos, long stableNanos, double maxRatio, Map<String, Double> f) {
    return new Verdict(
        Verdict.Kind.BREACHED,
        String.format(
            "%s latency %.1f ms against stable's %.1f ms (at most %.2fx)",
            quantile, canaryNanos / 1e6, stableNanos / 1e6, maxRatio),
        f);
  }
}
