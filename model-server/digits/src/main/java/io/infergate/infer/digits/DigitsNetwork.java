package io.infergate.infer.digits;

import static io.infergate.infer.digits.DigitsDataset.MAX_PIXEL;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The forward pass of both architectures, built once for training and once more for serving, so the
 * served graph computes exactly what was trained.
 */
final class DigitsNetwork {

  private DigitsNetwork() {}

  /**
   * Ops that name the next op after parameter {@code index}: {@code dense_<layer>/kernel} or {@code
   * dense_<layer>/bias}, the same in the training and the serving graph (and so in checkpoints).
   */
  static Ops forParameter(Ops tf, int index) {
    return tf.withSubScope("dense_" + index / 2).withName(index % 2 == 0 ? "kernel" : "bias");
  }

  /**
   * Returns the logits {@code [n, 10]} for raw pixels {@code [n, 64]}.
   *
   * @param parameters kernel and bias per dense layer, input side first (see {@link
   *     DigitsArchitecture#parameterShapes()}); every layer but the last is followed by a ReLU
   */
  static Operand<TFloat32> logits(
      Ops tf, Operand<TFloat32> rawPixels, List<? extends Operand<TFloat32>> parameters) {
    // Scaling lives in the graph so clients send the data set's own 0..16 values. 1/16 is a power
    // of two, so the product is exact.
    Operand<TFloat32> activations =
        tf.withName("scaled_pixels").math.mul(rawPixels, tf.constant(1f / MAX_PIXEL));
    int layers = parameters.size() / 2;
    for (int layer = 0; layer < layers; layer++) {
      Ops layerOps = tf.withSubScope("dense_" + layer);
      Operand<TFloat32> kernel = parameters.get(2 * layer);
      Operand<TFloat32> bias = parameters.get(2 * layer + 1);
      activations = layerOps.math.add(layerOps.linalg.matMul(activations, kernel), bias);
      if (layer < layers - 1) {
        activations = layerOps.nn.relu(activations);
      }
    }
    return activations;
  }
}
