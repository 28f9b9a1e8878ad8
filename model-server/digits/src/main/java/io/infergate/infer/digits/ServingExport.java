package io.infergate.infer.digits;

import static io.infergate.infer.digits.DigitsDataset.PIXELS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Writes trained parameters as a SavedModel whose graph holds only the serving path.
 *
 * <p>The training graph also has labels, a loss, gradients and Adam's slots; exporting it would
 * make every loaded model carry them. So a fresh graph is built from {@link DigitsNetwork} with the
 * trained values as variable initial values, and that is what gets exported.
 */
final class ServingExport {

  /** The signature every TF Serving client asks for when it names none. */
  static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;

  static final String METHOD_NAME = "tensorflow/serving/predict";
  static final String INPUT = "pixels";
  static final String PROBABILITIES = "probs";
  static final String CLASSES = "classes";

  private ServingExport() {}

  /** Exports {@code parameters} of {@code architecture} into the (new or empty) directory. */
  static void write(DigitsArchitecture architecture, TrainedParameters parameters, Path directory)
      throws IOException {
    List<Shape> shapes = architecture.parameterShapes();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> pixels =
          tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, PIXELS)));
      List<Operand<TFloat32>> variables = new ArrayList<>(shapes.size());
      for (int i = 0; i < shapes.size(); i++) {
        Operand<TFloat32> trained =
            tf.constant(shapes.get(i), DataBuffers.of(parameters.values().get(i), true, false));
        variables.add(DigitsNetwork.forParameter(tf, i).variable(trained));
      }
      Operand<TFloat32> probabilities =
          tf.withName(PROBABILITIES).nn.softmax(DigitsNetwork.logits(tf, pixels, variables));
      // Arg-max of the probabilities, not the logits, so the two outputs can never disagree.
      Operand<TInt64> classes = tf.withName(CLASSES).math.argMax(probabilities, tf.constant(1));

      Signature signature =
          Signature.builder()
              .key(SIGNATURE_KEY)
              .methodName(METHOD_NAME)
              .input(INPUT, pixels)
              .output(PROBABILITIES, probabilities)
              .output(CLASSES, classes)
              .build();
      try (Session session = new Session(graph)) {
        session.initialize();
        SessionFunction.create(signature, session).save(directory.toString());
      }
    }
  }
}
