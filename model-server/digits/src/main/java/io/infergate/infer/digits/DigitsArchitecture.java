package io.infergate.infer.digits;

import static io.infergate.infer.digits.DigitsDataset.CLASSES;
import static io.infergate.infer.digits.DigitsDataset.PIXELS;

import java.util.List;
import org.tensorflow.ndarray.Shape;

/**
 * The two exported versions of {@code digits}, each with the training settings that fit it.
 *
 * <p>Two versions that differ in kind (and a little in accuracy) give the gateway something real to
 * split traffic between and compare.
 *
 * @param version the version number, also its directory name
 * @param kind what the network is, for the trainer's report
 * @param hiddenUnits ReLU units of the one hidden layer; 0 for none
 * @param epochs passes over the training split
 * @param learningRate Adam's step size
 */
record DigitsArchitecture(
    int version, String kind, int hiddenUnits, int epochs, float learningRate) {
  // Epochs and learning rates come from a small sweep: about 95.5% (v1) and 96.4% (v2) on the
  // held-out split, each in about half a second on two cores.

  /** Version 1: one dense layer, 64 to 10. */
  static final DigitsArchitecture SOFTMAX_REGRESSION =
      new DigitsArchitecture(1, "softmax-regression", 0, 30, 0.03f);

  /** Version 2: 64 to 64 ReLU to 10. */
  static final DigitsArchitecture MLP = new DigitsArchitecture(2, "mlp", 64, 30, 0.003f);

  /** Every exported version, in version order. */
  static final List<DigitsArchitecture> ALL = List.of(SOFTMAX_REGRESSION, MLP);

  /**
   * Mini-batches generalise better here than full-batch steps (about one point more for the MLP)
   * and cost little: 23 steps an epoch, well under a millisecond each.
   */
  static final int BATCH_SIZE = 64;

  /**
   * Shapes of the parameters in the order {@link DigitsNetwork} consumes them: kernel then bias for
   * each dense layer, input side first.
   */
  List<Shape> parameterShapes() {
    if (hiddenUnits == 0) {
      return List.of(Shape.of(PIXELS, CLASSES), Shape.of(CLASSES));
    }
    return List.of(
        Shape.of(PIXELS, hiddenUnits),
        Shape.of(hiddenUnits),
        Shape.of(hiddenUnits, CLASSES),
        Shape.of(CLASSES));
  }
}
