package io.infergate.infer.modelserver.monitoring;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.observability.baseline.Baseline;
import io.infergate.infer.observability.drift.Divergences;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which output holds a version's predicted class, how to read it (a class index per row, or one
 * score per class whose largest wins), and the baseline's share of each class.
 */
final class PredictedClasses {
  /** For baselines without predictions: counts nothing. */
  static final PredictedClasses NONE = new PredictedClasses(-1, false, new double[0]);

  private final int output;
  private final boolean scores;
  private final double[] baselineShares;

  private PredictedClasses(int output, boolean scores, double[] baselineShares) {
    this.output = output;
    this.scores = scores;
    this.baselineShares = baselineShares;
  }

  /**
   * The classes of {@code predictions} (null: {@link #NONE}) in one of {@code outputs}.
   *
   * @throws IllegalArgumentException naming the baseline key that does not fit the signature
   */
  static PredictedClasses of(Baseline.Predictions predictions, List<TensorSpec> outputs) {
    if (predictions == null) {
      return NONE;
    }
    int output = TensorSpec.indexOf(outputs, predictions.output());
    if (output < 0) {
      throw new IllegalArgumentException(
          "predictions.output: "
              + predictions.output()
              + " (expected: an output of the signature: "
              + TensorSpec.names(outputs)
              + ")");
    }
    ElementType type = outputs.get(output).type();
    long[] counts = predictions.classCounts();
    double[] shares = new double[counts.length];
    long total = Baseline.total(counts);
    for (int c = 0; c < counts.length; c++) {
      shares[c] = (double) counts[c] / total;
    }
    return new PredictedClasses(
        output, type == ElementType.FP32 || type == ElementType.FP64, shares);
  }

  /** Index of the output among the signature's; -1 for {@link #NONE}. */
  int output() {
    return output;
  }

  /** Classes counted. */
  int classes() {
    return baselineShares.length;
  }

  /**
   * Counts each row's class of {@code tensor} (the output) into {@code counts}, and the rows
   * counted into its last slot.
   */
  void count(HostTensor tensor, AtomicLongArray counts) {
    long[] shape = tensor.shape();
    if (shape.length == 0 || shape[0] <= 0) {
      return;
    }
    int rows = (int) shape[0];
    int classes = classes();
    ByteBuffer data = tensor.data();
    int counted = 0;
    if (scores) {
      if (tensor.elementCount() != (long) rows * classes) {
        return;
      }
      boolean doubles = tensor.type() == ElementType.FP64;
      for (int r = 0; r < rows; r++) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          int i = r * classes + c;
          double score = doubles ? data.getDouble(i << 3) : data.getFloat(i << 2);
          if (score > bestScore) {
            bestScore = score;
            best = c;
          }
        }
        counts.getAndIncrement(best);
        counted++;
      }
    } else {
      for (int r = 0; r < rows; r++) {
        long c =
            switch (tensor.type()) {
              case INT64 -> data.getLong(r << 3);
              case INT32 -> data.getInt(r << 2);
              case UINT8 -> data.get(r) & 0xff;
              default -> -1;
            };
        if (c >= 0 && c < classes) {
          counts.getAndIncrement((int) c);
          counted++;
        }
      }
    }
    counts.getAndAdd(classes, counted);
  }

  /** PSI of the classes in {@code window} ({@code rows} predicted) to the baseline's. */
  double psi(long[] window, long rows) {
    return Divergences.psi(window, 0, classes(), rows, baselineShares);
  }

  /** Jensen–Shannon divergence, as {@link #psi}. */
  double jensenShannon(long[] window, long rows) {
    return Divergences.jensenShannon(window, 0, classes(), rows, baselineShares);
  }
}
