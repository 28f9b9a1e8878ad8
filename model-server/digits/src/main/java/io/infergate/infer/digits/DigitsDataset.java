package io.infergate.infer.digits;

import static java.util.Objects.checkIndex;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The UCI handwritten digits (8x8 images, 1,797 rows), vendored as a classpath resource so that
 * training, tests, the demo client and benchmarks all use the same data without a download.
 *
 * <p>Pixels are the raw integer intensities 0..16, exactly what clients send to the served model:
 * the exported graph does its own scaling. {@link #split()} gives the deterministic 80/20 split;
 * send {@code DigitsDataset.load().split().validation()} to a served model to measure it on digits
 * it never saw.
 *
 * <p>Instances are immutable; every accessor returns a copy.
 */
public final class DigitsDataset {

  /** Pixels per image (8 x 8). */
  public static final int PIXELS = 64;

  /** Number of classes (the digits 0..9). */
  public static final int CLASSES = 10;

  /** Largest pixel intensity in the data; the model divides by 16 so 0..16 maps onto 0..1. */
  public static final int MAX_PIXEL = 16;

  private static final String RESOURCE = "/digits/digits.csv.gz";

  /** Fixed so every process, test and client agrees on which digits are held out. */
  private static final long SPLIT_SEED = 42;

  /** One validation row in five. */
  private static final int VALIDATION_DIVISOR = 5;

  /** Parsed on first use; two threads racing may both parse, which is harmless. */
  private static volatile DigitsDataset full;

  private final float[] pixels;
  private final int[] labels;

  private DigitsDataset(float[] pixels, int[] labels) {
    this.pixels = pixels;
    this.labels = labels;
  }

  /**
   * Returns the full data set, parsed once per JVM from the classpath resource.
   *
   * @throws IllegalStateException if the resource is missing or malformed (a packaging bug)
   * @throws UncheckedIOException if the resource cannot be read
   */
  public static DigitsDataset load() {
    DigitsDataset loaded = full;
    if (loaded == null) {
      loaded = loadResource();
      full = loaded;
    }
    return loaded;
  }

  /** Number of rows (images). */
  public int size() {
    return labels.length;
  }

  /** The 64 raw pixel intensities (0..16, not scaled) of one image, row-major. */
  public float[] pixels(int row) {
    checkIndex(row, size());
    return Arrays.copyOfRange(pixels, row * PIXELS, (row + 1) * PIXELS);
  }

  /** The digit (0..9) that image {@code row} shows. */
  public int label(int row) {
    checkIndex(row, size());
    return labels[row];
  }

  /** All pixels as one row-major {@code [size(), 64]} array, ready for a batch request. */
  public float[] flatPixels() {
    return pixels.clone();
  }

  /** The first {@code rows} rows, for requests smaller than the whole split. */
  public DigitsDataset head(int rows) {
    checkIndex(rows, size() + 1);
    return new DigitsDataset(Arrays.copyOf(pixels, rows * PIXELS), Arrays.copyOf(labels, rows));
  }

  /** All labels, in row order. */
  public int[] labels() {
    return labels.clone();
  }

  /**
   * Splits this data set 80/20 into training and validation rows, shuffled with a fixed seed (42),
   * so the split is the same in every process.
   */
  public Split split() {
    int[] order = shuffledRows(size(), new Random(SPLIT_SEED));
    int validationSize = size() / VALIDATION_DIVISOR;
    int trainSize = size() - validationSize;
    return new Split(
        subset(Arrays.copyOfRange(order, 0, trainSize)),
        subset(Arrays.copyOfRange(order, trainSize, order.length)));
  }

  /** Fisher-Yates over the row indices; spelled out so the order never depends on a JDK detail. */
  private static int[] shuffledRows(int size, Random random) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** The given rows, in the given order (rows may repeat). */
  DigitsDataset subset(int[] rows) {
    float[] subsetPixels = new float[rows.length * PIXELS];
    int[] subsetLabels = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(pixels, rows[i] * PIXELS, subsetPixels, i * PIXELS, PIXELS);
      subsetLabels[i] = labels[rows[i]];
    }
    return new DigitsDataset(subsetPixels, subsetLabels);
  }

  private static DigitsDataset loadResource() {
    try (InputStream in = DigitsDataset.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static DigitsDataset parse(InputStream gzipped) throws IOException {
    float[] pixels = new float[0];
    int[] labels = new int[0];
    int rows = 0;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(gzipped), StandardCharsets.US_ASCII))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        if (rows == labels.length) {
          labels = Arrays.copyOf(labels, Math.max(1024, rows * 2));
          pixels = Arrays.copyOf(pixels, labels.length * PIXELS);
        }
        parseRow(line, rows, pixels, labels);
        rows++;
      }
    }
    if (rows == 0) {
      throw new IllegalStateException(RESOURCE + ": no rows");
    }
    return new DigitsDataset(Arrays.copyOf(pixels, rows * PIXELS), Arrays.copyOf(labels, rows));
  }

  private static void parseRow(String line, int row, float[] pixels, int[] labels) {
    String[] fields = line.split(",", -1);
    if (fields.length != PIXELS + 1) {
      throw malformed(row, fields.length + " fields (expected: " + (PIXELS + 1) + ")");
    }
    for (int i = 0; i < PIXELS; i++) {
      int value = parseField(fields[i], row);
      if (value < 0 || value > MAX_PIXEL) {
        throw malformed(row, "pixel " + i + " is " + value + " (expected: 0.." + MAX_PIXEL + ")");
      }
      pixels[row * PIXELS + i] = value;
    }
    int label = parseField(fields[PIXELS], row);
    if (label < 0 || label >= CLASSES) {
      throw malformed(row, "label is " + label + " (expected: 0.." + (CLASSES - 1) + ")");
    }
    labels[row] = label;
  }

  private static int parseField(String field, int row) {
    try {
      return Integer.parseInt(field.trim());
    } catch (NumberFormatException e) {
      throw malformed(row, "'" + field + "' is not an integer");
    }
  }

  private static IllegalStateException malformed(int row, String problem) {
    return new IllegalStateException(RESOURCE + " row " + (row + 1) + ": " + problem);
  }

  /**
   * The training rows and the held-out validation rows; disjoint, and together all the rows.
   *
   * @param train the 80% used to fit the model
   * @param validation the 20% the model never sees while training, to measure it honestly
   */
  public record Split(DigitsDataset train, DigitsDataset validation) {}
}
