package io.infergate.infer.demo;

import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Which held-out digits a replay sends and how it bends them, so that a served model's monitoring
 * has something to react to: an intensity shift (not clamped: a sensor gone bright sends values
 * training never saw), Gaussian noise (clamped to the pixels' 0..16), only some classes, and an
 * exact share of each call's values set out of range.
 *
 * @param shift added to every pixel
 * @param noise standard deviation of the Gaussian noise added to every pixel (0: none)
 * @param classes the digits sent (others are skipped), e.g. 0..4; all ten by default
 * @param outOfRangeShare share of each call's values set to {@value #OUT_OF_RANGE}, above every
 *     pixel's training range: {@code round(share * values)} of them, at random places
 * @param rowsPerCall digits per call
 * @param seed for the noise and the out-of-range places
 */
record ReplayDrift(
    float shift,
    float noise,
    boolean[] classes,
    double outOfRangeShare,
    int rowsPerCall,
    long seed) {

  /** Above the 16 of the brightest pixel in the training data. */
  static final float OUT_OF_RANGE = 17;

  /** The held-out digits as they are, {@code rowsPerCall} a call. */
  static ReplayDrift none(int rowsPerCall) {
    return new ReplayDrift(0, 0, allClasses(), 0, rowsPerCall, 1);
  }

  ReplayDrift {
    if (rowsPerCall < 1) {
      throw new IllegalArgumentException("--rows-per-call: " + rowsPerCall + " (expected: >= 1)");
    }
    if (!(outOfRangeShare >= 0 && outOfRangeShare <= 1)) {
      throw new IllegalArgumentException(
          "--out-of-range-share: " + outOfRangeShare + " (expected: a share in 0..1)");
    }
    if (!(noise >= 0)) {
      throw new IllegalArgumentException("--noise: " + noise + " (expected: >= 0)");
    }
  }

  static boolean[] allClasses() {
    boolean[] all = new boolean[DigitsDataset.CLASSES];
    java.util.Arrays.fill(all, true);
    return all;
  }

  /**
   * Parses {@code 0-4}, {@code 1,3,7} or a mix ({@code 0-2,9}).
   *
   * @throws IllegalArgumentException naming the flag
   */
  static boolean[] parseClasses(String text) {
    boolean[] classes = new boolean[DigitsDataset.CLASSES];
    try {
      for (String part : text.split(",")) {
        String[] range = part.strip().split("-", 2);
        int from = Integer.parseInt(range[0].strip());
        int to = range.length == 2 ? Integer.parseInt(range[1].strip()) : from;
        if (from < 0 || to >= DigitsDataset.CLASSES || from > to) {
          throw new IllegalArgumentException("out of 0..9");
        }
        for (int c = from; c <= to; c++) {
          classes[c] = true;
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--only-classes: " + text + " (expected: digits 0..9 as ranges or a list, e.g. 0-4)", e);
    }
    return classes;
  }

  /** The requests of one pass over the held-out digits of the chosen classes. */
  List<ModelInferRequest> requests(DigitsDataset heldOut, String model, String version) {
    Random random = new Random(seed);
    List<float[]> rows = new ArrayList<>();
    for (int row = 0; row < heldOut.size(); row++) {
      if (classes[heldOut.label(row)]) {
        rows.add(bend(heldOut.pixels(row), random));
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("--only-classes: no held-out digit is of those classes");
    }
    List<ModelInferRequest> requests = new ArrayList<>();
    int values = rowsPerCall * DigitsDataset.PIXELS;
    int outOfRange = (int) Math.round(outOfRangeShare * values);
    for (int first = 0; first < rows.size(); first += rowsPerCall) {
      float[] call = new float[values];
      for (int r = 0; r < rowsPerCall; r++) {
        float[] pixels = rows.get((first + r) % rows.size());
        System.arraycopy(pixels, 0, call, r * DigitsDataset.PIXELS, DigitsDataset.PIXELS);
      }
      setOutOfRange(call, outOfRange, random);
      requests.add(request(call, model, version));
    }
    return requests;
  }

  private float[] bend(float[] pixels, Random random) {
    for (int i = 0; i < pixels.length; i++) {
      float value = pixels[i];
      if (noise > 0) {
        value =
            (float)
                Math.min(
                    DigitsDataset.MAX_PIXEL, Math.max(0, value + noise * random.nextGaussian()));
      }
      pixels[i] = value + shift;
    }
    return pixels;
  }

  /** Sets exactly {@code count} distinct values of {@code call} out of range. */
  private static void setOutOfRange(float[] call, int count, Random random) {
    boolean[] done = new boolean[call.length];
    for (int set = 0; set < count; ) {
      int i = random.nextInt(call.length);
      if (!done[i]) {
        done[i] = true;
        call[i] = OUT_OF_RANGE;
        set++;
      }
    }
  }

  private ModelInferRequest request(float[] values, String model, String version) {
    ModelInferRequest.InferInputTensor.Builder input =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName("pixels")
            .setDatatype("FP32")
            .addShape(rowsPerCall)
            .addShape(DigitsDataset.PIXELS);
    for (float value : values) {
      input.getContentsBuilder().addFp32Contents(value);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .setModelVersion(version)
        .addInputs(input)
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("classes"))
        .build();
  }
}
