package io.infergate.infer.observability.baseline;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model version's training baseline, the file {@code <version>/assets.extra/baseline.json}: per
 * feature of one input its range and histogram, and the predicted-class distribution on held-out
 * data. The trainer (or {@code bin/baseline}) writes it and the model server reads it, so the
 * format is defined once, here; the README ("Monitoring for data scientists") documents it.
 *
 * @param format {@value #FORMAT}
 * @param input the signature input whose last dimension the features are
 * @param rows training rows the statistics came from
 * @param features one per column of the input's last dimension, in order
 * @param predictions the predicted-class distribution; null when unknown (and then not written)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Baseline(
    String format, String input, long rows, List<Feature> features, Predictions predictions) {

  /** The only format written and read. */
  public static final String FORMAT = "infergate-baseline/1";

  /** Where a version ships it, relative to its directory. */
  public static final String PATH = "assets.extra/baseline.json";

  private static final ObjectMapper READER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private static final ObjectMapper WRITER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Reads and checks {@code file}.
   *
   * @throws IllegalArgumentException naming the file and every bad key
   * @throws IOException if it cannot be read
   */
  public static Baseline read(Path file) throws IOException {
    Baseline baseline;
    try {
      baseline = READER.readValue(Files.readString(file), Baseline.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
    }
    List<String> problems = baseline.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
    }
    return baseline;
  }

  /** This baseline with {@code predictions} instead of its own. */
  public Baseline withPredictions(Predictions predictions) {
    return new Baseline(format, input, rows, features, predictions);
  }

  /** The file's text. */
  public String toJson() {
    try {
      return WRITER.writeValueAsString(this) + "\n";
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

  /** The sum of {@code counts}. */
  public static long total(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  /**
   * One feature's statistics.
   *
   * @param name the column's name (its index, unless the data named it; the {@code feature}
   *     attribute of its metrics)
   * @param min smallest training value: the range a served value is checked against
   * @param max largest training value
   * @param quantiles informational: {@code p1, p5, p25, p50, p75, p95, p99} (nearest rank)
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

    private void check(String key, List<String> problems) {
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
   * The classes the model predicts on held-out data.
   *
   * @param output the signature output of the class: an integer per row, or one score per class
   *     (the largest wins)
   * @param rows held-out rows predicted
   * @param classCounts rows predicted as each class, by class index
   */
  public record Predictions(String output, long rows, long[] classCounts) {
    private void check(List<String> problems) {
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
}
