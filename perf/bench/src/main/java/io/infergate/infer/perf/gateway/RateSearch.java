package io.infergate.infer.perf.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * The highest rate that passes a test: double from {@code startRate} until a step fails (or {@code
 * maxRate}), then bisect between the last pass and the first failure until they are within {@code
 * precision} of each other. Assumes, as a service under load does, that a rate above a failing one
 * fails too; a noisy step can still mislead it, so callers show every step.
 */
final class RateSearch {
  private RateSearch() {}

  /** One tested rate. */
  interface Probe {
    boolean passes(double rate) throws Exception;
  }

  /**
   * Runs the search.
   *
   * @param precision the relative gap at which bisection stops, e.g. 0.1 for 10 %
   * @param maxSteps an upper bound on probes, whatever the precision
   */
  static Outcome search(
      double startRate, double maxRate, double precision, int maxSteps, Probe probe)
      throws Exception {
    if (!(startRate > 0 && maxRate >= startRate && precision > 0 && maxSteps > 0)) {
      throw new IllegalArgumentException(
          "startRate "
              + startRate
              + ", maxRate "
              + maxRate
              + ", precision "
              + precision
              + ", maxSteps "
              + maxSteps
              + " (expected: 0 < start <= max, precision > 0, steps > 0)");
    }
    List<Double> tried = new ArrayList<>();
    double pass = 0;
    double fail = Double.POSITIVE_INFINITY;
    double rate = startRate;
    while (tried.size() < maxSteps) {
      tried.add(rate);
      if (probe.passes(rate)) {
        pass = rate;
        if (rate >= maxRate) {
          break;
        }
        rate = Math.min(rate * 2, maxRate);
      } else {
        fail = rate;
        break;
      }
    }
    while (tried.size() < maxSteps && Double.isFinite(fail) && fail - pass > precision * fail) {
      rate = Math.rint((pass + fail) / 2);
      if (rate <= pass || rate >= fail) {
        break;
      }
      tried.add(rate);
      if (probe.passes(rate)) {
        pass = rate;
      } else {
        fail = rate;
      }
    }
    return new Outcome(pass, fail, List.copyOf(tried));
  }

  /**
   * @param highestPass the highest rate that passed; 0 if none did
   * @param lowestFail the lowest rate that failed; infinite if none did
   * @param tried every rate probed, in order
   */
  record Outcome(double highestPass, double lowestFail, List<Double> tried) {}
}
