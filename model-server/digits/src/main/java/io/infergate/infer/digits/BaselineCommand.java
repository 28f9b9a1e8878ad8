package io.infergate.infer.digits;

import io.infergate.infer.observability.baseline.Baseline;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/baseline}: the {@link TrainingBaseline} of a model trained elsewhere, from a CSV of
 * its training inputs (one row per line, one column per feature, an optional header naming them)
 * and, optionally, its predicted classes on held-out data (one per line). Written into the version
 * directory as {@code assets.extra/baseline.json}, where the model server finds it.
 */
@Command(
    name = "baseline",
    description =
        "Writes VERSION_DIR/assets.extra/baseline.json from a CSV of a model's training inputs, for"
            + " the model server's data-quality and drift monitoring.")
public final class BaselineCommand implements Callable<Integer> {

  @Mixin CommandConsole console;

  @Option(
      names = "--csv",
      required = true,
      paramLabel = "FILE",
      description = "Training inputs: one row per line, comma-separated; a header names features.")
  Path csv;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "NAME",
      description = "The signature input whose last dimension the CSV's columns are.")
  String input;

  @Option(
      names = "--version-dir",
      required = true,
      paramLabel = "DIR",
      description = "The model version directory (the SavedModel) to write the baseline into.")
  Path versionDirectory;

  @Option(
      names = "--predictions",
      paramLabel = "FILE",
      description = "The model's predicted class on held-out rows, one integer per line.")
  Path predictions;

  @Option(
      names = "--output",
      paramLabel = "NAME",
      defaultValue = "classes",
      description =
          "The signature output holding the predicted class, or class scores (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(
      names = "--classes",
      paramLabel = "K",
      description = "Number of classes (default: the largest predicted class + 1).")
  Integer classes;

  /** Exits 0 when written, 1 when a file cannot be read or parsed, 2 on bad usage. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BaselineCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter err = console.err();
    try {
      Baseline baseline = fromCsv(csv, input);
      if (predictions != null) {
        long[] predicted = readClasses(predictions);
        int k = classes != null ? classes : (int) maxOf(predicted) + 1;
        baseline = baseline.withPredictions(TrainingBaseline.predictions(output, k, predicted));
      }
      baseline.writeTo(versionDirectory);
      console
          .out()
          .printf(
              "wrote %s: %d rows, %d features%s%n",
              versionDirectory.resolve(Baseline.PATH),
              baseline.rows(),
              baseline.features().size(),
              baseline.predictions() == null
                  ? ", no predictions"
                  : ", predicted classes of " + baseline.predictions().rows() + " held-out rows");
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println("baseline: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The baseline of the CSV {@code file}: a first line with any field that is not a number is the
   * header naming the features; otherwise they are named by index.
   *
   * @throws IllegalArgumentException naming the line of a row that cannot be read
   */
  static Baseline fromCsv(Path file, String input) throws IOException {
    List<String> names = null;
    float[] values = new float[1024];
    int count = 0;
    int columns = -1;
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (columns == -1) {
          columns = fields.length;
          if (!numeric(fields[0]) || !numeric(fields[fields.length - 1])) {
            names = new ArrayList<>();
            for (String field : fields) {
              names.add(field.strip());
            }
            continue;
          }
        }
        if (fields.length != columns) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + number
                  + ": "
                  + fields.length
                  + " fields (expected: "
                  + columns
                  + ")");
        }
        if (count + columns > values.length) {
          values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, count + columns));
        }
        for (String field : fields) {
          try {
            values[count++] = Float.parseFloat(field.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                file + " line " + number + ": '" + field + "' is not a number", e);
          }
        }
      }
    }
    if (columns == -1 || count == 0) {
      throw new IllegalArgumentException(file + ": no rows");
    }
    if (names == null) {
      names = new ArrayList<>();
      for (int i = 0; i < columns; i++) {
        names.add(Integer.toString(i));
      }
    }
    return TrainingBaseline.of(input, names, java.util.Arrays.copyOf(values, count));
  }

  private static long[] readClasses(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    long[] classes = new long[lines.size()];
    int count = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        classes[count++] = Long.parseLong(line);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": '" + line + "' is not a class index", e);
      }
    }
    return java.util.Arrays.copyOf(classes, count);
  }

  private static long maxOf(long[] values) {
    long max = 0;
    for (long value : values) {
      max = Math.max(max, value);
    }
    return max;
  }

  private static boolean numeric(String field) {
    try {
      Float.parseFloat(field.strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
