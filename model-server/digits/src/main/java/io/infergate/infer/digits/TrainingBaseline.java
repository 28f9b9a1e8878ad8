package io.infergate.infer.digits;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.observability.baseline.Baseline;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics of a model version's training inputs, as the {@link Baseline} written beside the
 * version ({@code assets.extra/baseline.json}) so that the model server can tell when the inputs it
 * serves leave that range (data quality) or that shape (drift).
 *
 * <p>Per feature (one column of the input's last dimension): min, max, a few quantiles, and a
 * histogram on fixed edges. The edges split {@code [min, max]} into {@value #BINS} equal bins, the
 * last edge just above max, so a value below min or above max falls into the first or last bin,
 * which training left empty. The predicted-class distribution is that of the held-out data, as the
 * exported model predicts it.
 */
public final class TrainingBaseline {

  /** Equal-width bins between a feature's min and max. */
  public static final int BINS = 10;

  private static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

  private TrainingBaseline() {}

  /**
   * The statistics of {@code values}: {@code rows} rows of {@code names.size()} features each,
   * row-major.
   *
   * @param input the signature input these are the values of
   * @param names one name per feature (column)
   */
  public static Baseline of(String input, List<String> names, float[] values) {
    requireNonNull(input, "input");
    int columns = names.size();
    if (columns == 0 || values.length % columns != 0) {
      throw new IllegalArgumentException(
          "values: " + values.length + " (expected: a multiple of " + columns + " features)");
    }
    int rows = values.length / columns;
    if (rows == 0) {
      throw new IllegalArgumentException("values: no rows");
    }
    Baseline.Feature[] features = new Baseline.Feature[columns];
    double[] column = new double[rows];
    for (int c = 0; c < columns; c++) {
      for (int r = 0; r < rows; r++) {
        column[r] = values[r * columns + c];
      }
      features[c] = feature(names.get(c), column);
    }
    return new Baseline(Baseline.FORMAT, input, rows, List.of(features), null);
  }

  /** The predicted-class distribution of {@code predicted} (class indexes) on held-out data. */
  public static Baseline.Predictions predictions(String output, int classes, long[] predicted) {
    long[] counts = new long[classes];
    for (long c : predicted) {
      if (c < 0 || c >= classes) {
        throw new IllegalArgumentException(
            "predicted class " + c + " (expected: 0.." + (classes - 1) + ")");
      }
      counts[(int) c]++;
    }
    return new Baseline.Predictions(output, predicted.length, counts);
  }

  private static Baseline.Feature feature(String name, double[] column) {
    double[] sorted = column.clone();
    Arrays.sort(sorted);
    double min = sorted[0];
    double max = sorted[sorted.length - 1];
    Map<String, Double> quantiles = new LinkedHashMap<>();
    for (double q : QUANTILES) {
      int rank = (int) Math.ceil(q * sorted.length) - 1;
      quantiles.put("p" + Math.round(q * 100), sorted[Math.max(0, rank)]);
    }
    double[] edges = edges(min, max);
    long[] counts = new long[edges.length + 1];
    for (double value : column) {
      counts[bin(edges, value)]++;
    }
    return new Baseline.Feature(name, min, max, quantiles, edges, counts);
  }

  /** {@code min}, min + width, ..., and just above {@code max}: {@value #BINS} inner bins. */
  private static double[] edges(double min, double max) {
    if (min == max) {
      return new double[] {min, Math.nextUp(max)};
    }
    double width = (max - min) / BINS;
    double[] edges = new double[BINS + 1];
    for (int i = 0; i < BINS; i++) {
      edges[i] = min + i * width;
    }
    edges[BINS] = Math.nextUp(max);
    return edges;
  }

  /** The number of edges at or below {@code value}: the model server bins the same way. */
  private static int bin(double[] edges, double value) {
    int bin = 0;
    while (bin < edges.length && edges[bin] <= value) {
      bin++;
    }
    return bin;
  }
}
