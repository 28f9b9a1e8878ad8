package io.infergate.infer.digits;

import static io.infergate.infer.digits.DigitsDataset.PIXELS;

import java.nio.file.Path;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Measures an exported SavedModel the way the model server will run it: loaded from disk, fed and
 * fetched through the tensor names its {@code serving_default} signature declares.
 *
 * <p>Measuring the export rather than the training session also proves the export round-trips.
 */
final class SavedModelEvaluation {

  private SavedModelEvaluation() {}

  /** Fraction of {@code dataset} rows whose predicted class equals the label. */
  static double accuracy(Path savedModelDirectory, DigitsDataset dataset) {
    long[] predicted = predictClasses(savedModelDirectory, dataset);
    int correct = 0;
    for (int row = 0; row < predicted.length; row++) {
      if (predicted[row] == dataset.label(row)) {
        correct++;
      }
    }
    return (double) correct / dataset.size();
  }

  /** The served model's class for every row of {@code dataset}, in one batch. */
  static long[] predictClasses(Path savedModelDirectory, DigitsDataset dataset) {
    try (SavedModelBundle bundle =
        SavedModelBundle.load(savedModelDirectory.toString(), SavedModelBundle.DEFAULT_TAG)) {
      Signature signature = bundle.function(ServingExport.SIGNATURE_KEY).signature();
      String input = signature.getInputs().get(ServingExport.INPUT).name;
      String classes = signature.getOutputs().get(ServingExport.CLASSES).name;
      try (TFloat32 pixels =
              TFloat32.tensorOf(
                  Shape.of(dataset.size(), PIXELS),
                  DataBuffers.of(dataset.flatPixels(), true, false));
          Result result = bundle.session().runner().feed(input, pixels).fetch(classes).run()) {
        long[] predicted = new long[dataset.size()];
        ((TInt64) result.get(0)).copyTo(DataBuffers.of(predicted, false, false));
        return predicted;
      }
    }
  }
}
