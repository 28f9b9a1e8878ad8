package io.infergate.infer.modelserver.monitoring;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model version's training baseline, as the trainer (or {@code bin/baseline}) wrote it into
 * {@code <version>/assets.extra/baseline.json}: per feature of one input its range and histogram,
 * and the predicted-class distribution on held-out data. The README documents the format.
 *
 * @param format {@value #FORMAT}
 * @param input the signature input whose last dimension the features are
 * @param rows training rows the statistics came from
 * @param features one per column of the input's last dimension, in order
 * @param predictions the predicted-class distribution; null when the file has none
 */
public record Baseline(
    String format, String input, long rows, List<Feature> features, Predictions predictions) {

  /** The only format this server reads. */
  public static final String FORMAT = "infergate-baseline/1";

  /** Where a version ships it, relative to its directory. */
  public static final String PATH = "assets.extra/baseline.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * Reads and checks {@code file}.
   *
   * @throws IllegalArgumentException naming the file and every bad key
   * @throws IOException if it cannot be read
   */
  public static Baseline read(Path file) throws IOException {
    Baseline baseline;
    try {
      baseline = JSON.readValue(Files.readString(file), Baseline.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
    }
    List<String> problems = baseline.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
    }
    return baseline;
  }

  /** What is wrong with it, one entry per key; empty when it can be used. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!FORMAT.equals(format)) {
      problems.add("format: " + format + " (expected: " + FORMAT + ")");
    }
    if (input == null || input.isBlank()) {
      problems.add("input: missing (expected: the signature input's name)");
    }
    if (features == null || features.isEmpty()) {
      problems.add("features: missing (expected: one entry per column of the input)");
    } else {
      for (int i = 0; i < features.size(); i++) {
        features.get(i).check("features[" + i + "]", problems);
      }
    }
    if (predictions != null) {
      predictions.check(problems);
    }
    return problems;
  }

  /**
   * One feature's statistics.
   *
   * @param name the column's name (the {@code feature} attribute of its metrics)
   * @param min smallest training value: the range a served value is checked against
   * @param max largest training value
   * @param quantiles informational ({@code p1} .. {@code p99})
   * @param binEdges strictly ascending; bin 0 lies below the first edge, bin i in {@code
   *     [binEdges[i-1], binEdges[i])}, the last bin at or above the last edge
   * @param binCounts training values per bin: {@code binEdges.length + 1} counts
   */
  public record Feature(
      String name,
      double min,
      double max,
      Map<String, Double> quantiles,
      double[] binEdges,
      long[] binCounts) {

    void check(String key, List<String> problems) {
      if (name == null || name.isBlank()) {
        problems.add(key + ".name: missing");
      }
      if (!(min <= max)) {
        problems.add(key + ".min: " + min + " (expected: <= max " + max + ")");
      }
      if (binEdges == null || binEdges.length == 0) {
        problems.add(key + ".binEdges: missing (expected: ascending bin edges)");
        return;
      }
      for (int i = 1; i < binEdges.length; i++) {
        if (!(binEdges[i] > binEdges[i - 1])) {
          problems.add(key + ".binEdges: " + Arrays.toString(binEdges) + " (expected: ascending)");
          break;
        }
      }
      if (binCounts == null || binCounts.length != binEdges.length + 1) {
        problems.add(
            key
                + ".binCounts: "
                + (binCounts == null ? "missing" : binCounts.length + " counts")
                + " (expected: "
                + (binEdges.length + 1)
                + ", one more than the edges)");
      } else if (total(binCounts) <= 0 || Arrays.stream(binCounts).anyMatch(c -> c < 0)) {
        problems.add(key + ".binCounts: " + Arrays.toString(binCounts) + " (expected: >= 0, some)");
      }
    }
  }

  /**
   * The predicted classes on held-out data.
   *
   * @param output the signature output of the class: an integer per row, or one score per class
   *     (the largest wins)
   * @param rows held-out rows
   * @param classCounts rows predicted as each class
   */
  public record Predictions(String output, long rows, long[] classCounts) {
    void check(List<String> problems) {
      if (output == null || output.isBlank()) {
        problems.add("predictions.output: missing (expected: the signature output's name)");
      }
      if (classCounts == null
          || classCounts.length == 0
          || total(classCounts) <= 0
          || Arrays.stream(classCounts).anyMatch(c -> c < 0)) {
        problems.add(
            "predictions.classCounts: "
                + Arrays.toString(classCounts)
                + " (expected: a count >= 0 per class, some)");
      }
    }
  }

  static long total(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }
}
