package io.infergate.infer.digits;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model version's training inputs looked like, written beside the version as {@code
 * assets.extra/baseline.json} so that the model server can tell when the inputs it serves leave
 * that range (data quality) or that shape (drift). The format is documented in the README
 * ("Monitoring for data scientists"); the model server reads it.
 *
 * <p>Per feature (one column of the input's last dimension): min, max, a few quantiles, and a
 * histogram on fixed edges. The edges split {@code [min, max]} into {@value #BINS} equal bins, the
 * last edge just above max, so a value below min or above max falls into the first or last bin,
 * which training left empty. The predicted-class distribution is that of the held-out data, as the
 * exported model predicts it.
 *
 * @param format always {@value #FORMAT}
 * @param input the signature input the features are the last dimension of
 * @param rows training rows the statistics are computed from
 * @param features one entry per column, in column order
 * @param predictions the predicted-class distribution on held-out data; null when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingBaseline(
    String format, String input, long rows, List<Feature> features, Predictions predictions) {

  /** The format tag the model server checks. */
  public static final String FORMAT = "infergate-baseline/1";

  /** Where the file goes, relative to the version directory. */
  public static final String PATH = "assets.extra/baseline.json";

  /** Equal-width bins between a feature's min and max. */
  public static final int BINS = 10;

  private static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public TrainingBaseline {
    requireNonNull(input, "input");
    features = List.copyOf(features);
  }

  /**
   * The statistics of {@code values}: {@code rows} rows of {@code names.size()} features each,
   * row-major.
   *
   * @param input the signature input these are the values of
   * @param names one name per feature (column)
   */
  public static TrainingBaseline of(String input, List<String> names, float[] values) {
    int columns = names.size();
    if (columns == 0 || values.length % columns != 0) {
      throw new IllegalArgumentException(
          "values: " + values.length + " (expected: a multiple of " + columns + " features)");
    }
    int rows = values.length / columns;
    if (rows == 0) {
      throw new IllegalArgumentException("values: no rows");
    }
    Feature[] features = new Feature[columns];
    double[] column = new double[rows];
    for (int c = 0; c < columns; c++) {
      for (int r = 0; r < rows; r++) {
        column[r] = values[r * columns + c];
      }
      features[c] = Feature.of(names.get(c), column);
    }
    return new TrainingBaseline(FORMAT, input, rows, List.of(features), null);
  }

  /** This baseline with the predicted-class distribution of {@code predicted} (class indexes). */
  public TrainingBaseline withPredictions(String output, int classes, long[] predicted) {
    long[] counts = new long[classes];
    for (long c : predicted) {
      if (c < 0 || c >= classes) {
        throw new IllegalArgumentException(
            "predicted class " + c + " (expected: 0.." + (classes - 1) + ")");
      }
      counts[(int) c]++;
    }
    return new TrainingBaseline(
        format, input, rows, features, new Predictions(output, predicted.length, counts));
  }

  /** The file's text. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a baseline as JSON", e); // records always can
    }
  }

  /** Writes {@link #PATH} under {@code versionDirectory}, replacing it whole (temp and rename). */
  public void writeTo(Path versionDirectory) throws IOException {
    write(versionDirectory.resolve(PATH));
  }

  /** Writes {@code file}, replacing it whole (temp and rename). */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, ".baseline", ".json");
    try {
      Files.writeString(temp, toJson());
      Files.move(temp, file, ATOMIC_MOVE, REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * One feature's statistics.
   *
   * @param name the column's name (its index, unless the data named it)
   * @param min smallest training value
   * @param max largest training value
   * @param quantiles {@code p1, p5, p25, p50, p75, p95, p99} (nearest rank)
   * @param binEdges ascending; bin 0 is below the first edge, bin i is {@code [edge[i-1],
   *     edge[i])}, the last bin at or above the last edge
   * @param binCounts training values per bin: one more than the edges
   */
  public record Feature(
      String name,
      double min,
      double max,
      Map<String, Double> quantiles,
      double[] binEdges,
      long[] binCounts) {

    static Feature of(String name, double[] column) {
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
      return new Feature(name, min, max, quantiles, edges, counts);
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
    static int bin(double[] edges, double value) {
      int bin = 0;
      while (bin < edges.length && edges[bin] <= value) {
        bin++;
      }
      return bin;
    }
  }

  /**
   * The distribution of the classes the model predicts on held-out data.
   *
   * @param output the signature output holding the class (an integer per row, or scores per class
   *     whose largest is the class)
   * @param rows held-out rows predicted
   * @param classCounts rows predicted as each class, by class index
   */
  public record Predictions(String output, long rows, long[] classCounts) {}
}
