package io.infergate.infer.observability.drift;

/**
 * How far a window's histogram is from a reference distribution over the same bins: the population
 * stability index and the Jensen–Shannon divergence. The model server compares a version's window
 * with its training baseline; the gateway a canary variant's window with its reference variant's.
 */
public final class Divergences {
  /**
   * The share an empty bin counts as in PSI, whose {@code ln(a/b)} is infinite at zero; 1e-4 is the
   * usual floor, so a bin the baseline never saw adds about {@code a ln(a/1e-4)}.
   */
  public static final double EMPTY_BIN_SHARE = 1e-4;

  private static final double LN2 = Math.log(2);

  private Divergences() {}

  /**
   * Each of the bins {@code [from, to)} of {@code counts} as a share of {@code total}, at the same
   * index of a new array of {@code counts.length}: the reference side of {@link #psi} and {@link
   * #jensenShannon} when it is a window too.
   */
  public static double[] shares(long[] counts, int from, int to, long total) {
    double[] shares = new double[counts.length];
    for (int i = from; i < to; i++) {
      shares[i] = (double) counts[i] / total;
    }
    return shares;
  }

  /**
   * {@code sum (a - b) ln(a / b)} over the bins {@code [from, to)} of {@code window} (counts, of
   * {@code windowTotal}) against {@code baseline} (shares), each share floored at {@link
   * #EMPTY_BIN_SHARE}. Under 0.1: no shift worth a look; 0.1 to 0.2: a shift; over 0.2: a large one
   * (the usual reading).
   */
  public static double psi(long[] window, int from, int to, long windowTotal, double[] baseline) {
    double psi = 0;
    for (int i = from; i < to; i++) {
      double a = Math.max((double) window[i] / windowTotal, EMPTY_BIN_SHARE);
      double b = Math.max(baseline[i], EMPTY_BIN_SHARE);
      psi += (a - b) * Math.log(a / b);
    }
    return psi;
  }

  /**
   * The Jensen–Shannon divergence in bits (0 for the same distribution, 1 for disjoint ones) of the
   * same arguments as {@link #psi}; needs no floor.
   */
  public static double jensenShannon(
      long[] window, int from, int to, long windowTotal, double[] baseline) {
    double divergence = 0;
    for (int i = from; i < to; i++) {
      double a = (double) window[i] / windowTotal;
      double b = baseline[i];
      double m = (a + b) / 2;
      if (a > 0) {
        divergence += a * Math.log(a / m);
      }
      if (b > 0) {
        divergence += b * Math.log(b / m);
      }
    }
    return divergence / 2 / LN2;
  }
}
