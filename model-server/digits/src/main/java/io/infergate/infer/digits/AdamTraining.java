package io.infergate.infer.digits;

import static io.infergate.infer.digits.DigitsArchitecture.BATCH_SIZE;
import static io.infergate.infer.digits.DigitsDataset.CLASSES;
import static io.infergate.infer.digits.DigitsDataset.PIXELS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Mini-batch Adam on the training split, with the TensorFlow core API only ({@code
 * tensorflow-framework} and its optimizers are not published for TF Java 1.1).
 *
 * <p>Every run is bit-identical: initial values come from a stateless, fixed-seed truncated normal,
 * batches come from a fixed-seed shuffle, and the update ops wait for every gradient (see {@link
 * #adamStep}).
 */
final class AdamTraining {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-7f;
  private static final long INIT_SEED = 42;
  private static final long SHUFFLE_SEED = 42;

  private AdamTraining() {}

  /** Trains {@code architecture} on {@code train} and returns the fitted parameter values. */
  static TrainedParameters train(DigitsArchitecture architecture, DigitsDataset train) {
    long startNanos = System.nanoTime();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> pixels =
          tf.withName("pixels")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, PIXELS)));
      Placeholder<TFloat32> oneHotLabels =
          tf.withName("labels")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, CLASSES)));
      Placeholder<TFloat32> beta1Power =
          tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> beta2Power =
          tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

      List<Variable<TFloat32>> parameters = initialParameters(tf, architecture.parameterShapes());
      Operand<TFloat32> logits = DigitsNetwork.logits(tf, pixels, parameters);
      Operand<TFloat32> loss =
          tf.withName("loss")
              .math
              .mean(
                  tf.nn.softmaxCrossEntropyWithLogits(logits, oneHotLabels).loss(), tf.constant(0));
      Op trainStep =
          adamStep(tf, loss, parameters, beta1Power, beta2Power, architecture.learningRate());

      try (Session session = new Session(graph)) {
        session.initialize();
        Random shuffle = new Random(SHUFFLE_SEED);
        int[] order = identityPermutation(train.size());
        int step = 0;
        for (int epoch = 0; epoch < architecture.epochs(); epoch++) {
          shuffle(order, shuffle);
          for (int start = 0; start < order.length; start += BATCH_SIZE) {
            step++;
            DigitsDataset batch =
                train.subset(
                    Arrays.copyOfRange(order, start, Math.min(start + BATCH_SIZE, order.length)));
            // Adam's bias correction needs beta^t; computed here in double, the same every run.
            try (TFloat32 batchPixels = pixelTensor(batch);
                TFloat32 batchLabels = oneHotTensor(batch);
                TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(BETA1, step));
                TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(BETA2, step))) {
              session
                  .runner()
                  .feed(pixels, batchPixels)
                  .feed(oneHotLabels, batchLabels)
                  .feed(beta1Power, b1)
                  .feed(beta2Power, b2)
                  .addTarget(trainStep)
                  .run()
                  .close();
            }
          }
        }
        Duration trainingTime = Duration.ofNanos(System.nanoTime() - startNanos);
        return new TrainedParameters(
            readValues(session, parameters),
            architecture.epochs(),
            step,
            trainingTime,
            trainingLoss(session, pixels, oneHotLabels, loss, train));
      }
    }
  }

  private static float trainingLoss(
      Session session,
      Operand<TFloat32> pixels,
      Operand<TFloat32> oneHotLabels,
      Operand<TFloat32> loss,
      DigitsDataset train) {
    try (TFloat32 allPixels = pixelTensor(train);
        TFloat32 allLabels = oneHotTensor(train);
        Result result =
            session
                .runner()
                .feed(pixels, allPixels)
                .feed(oneHotLabels, allLabels)
                .fetch(loss)
                .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  private static int[] identityPermutation(int size) {
    int[] rows = new int[size];
    for (int i = 0; i < size; i++) {
      rows[i] = i;
    }
    return rows;
  }

  /** Fisher-Yates, continuing the same seeded sequence each epoch. */
  private static void shuffle(int[] rows, Random random) {
    for (int i = rows.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = rows[i];
      rows[i] = rows[j];
      rows[j] = swap;
    }
  }

  private static TFloat32 pixelTensor(DigitsDataset rows) {
    return TFloat32.tensorOf(
        Shape.of(rows.size(), PIXELS), DataBuffers.of(rows.flatPixels(), true, false));
  }

  private static TFloat32 oneHotTensor(DigitsDataset rows) {
    int[] labels = rows.labels();
    float[] encoded = new float[labels.length * CLASSES];
    for (int i = 0; i < labels.length; i++) {
      encoded[i * CLASSES + labels[i]] = 1f;
    }
    return TFloat32.tensorOf(Shape.of(rows.size(), CLASSES), DataBuffers.of(encoded, true, false));
  }

  /** Kernels from a fixed-seed truncated normal (He scaling), biases zero. */
  private static List<Variable<TFloat32>> initialParameters(Ops tf, List<Shape> shapes) {
    List<Variable<TFloat32>> parameters = new ArrayList<>(shapes.size());
    for (int i = 0; i < shapes.size(); i++) {
      Shape shape = shapes.get(i);
      Ops named = DigitsNetwork.forParameter(tf, i);
      Operand<TFloat32> initialValue;
      if (shape.numDimensions() == 2) {
        float stddev = (float) Math.sqrt(2.0 / shape.get(0));
        initialValue =
            tf.math.mul(
                tf.random.statelessTruncatedNormal(
                    tf.constant(shape.asArray()), tf.constant(new long[] {INIT_SEED, i})),
                tf.constant(stddev));
      } else {
        initialValue = tf.zeros(tf.constant(shape.asArray()), TFloat32.class);
      }
      parameters.add(named.variable(initialValue));
    }
    return parameters;
  }

  /**
   * One Adam update of every parameter, as a single op to run.
   *
   * <p>{@code Ops#variable} makes reference variables, which the update ops write in place. Without
   * care, an update can land before another parameter's gradient has read the old value, and runs
   * stop being reproducible. So each gradient is materialised through an identity, and every update
   * waits on all of those identities.
   */
  private static Op adamStep(
      Ops tf,
      Operand<TFloat32> loss,
      List<Variable<TFloat32>> parameters,
      Operand<TFloat32> beta1Power,
      Operand<TFloat32> beta2Power,
      float learningRate) {
    Gradients gradients = tf.gradients(loss, parameters);
    List<Identity<TFloat32>> frozenGradients = new ArrayList<>(parameters.size());
    for (int i = 0; i < parameters.size(); i++) {
      frozenGradients.add(tf.identity(gradients.<TFloat32>dy(i)));
    }
    List<Op> gradientBarrier = List.copyOf(frozenGradients);
    Ops afterGradients = tf.withControlDependencies(gradientBarrier);
    Operand<TFloat32> lr = tf.constant(learningRate);
    Operand<TFloat32> beta1 = tf.constant(BETA1);
    Operand<TFloat32> beta2 = tf.constant(BETA2);
    Operand<TFloat32> epsilon = tf.constant(EPSILON);
    List<Op> updates = new ArrayList<>(parameters.size());
    for (int i = 0; i < parameters.size(); i++) {
      Variable<TFloat32> parameter = parameters.get(i);
      Operand<TFloat32> zeros = tf.zeros(tf.constant(parameter.shape().asArray()), TFloat32.class);
      Variable<TFloat32> firstMoment = tf.variable(zeros);
      Variable<TFloat32> secondMoment = tf.variable(zeros);
      updates.add(
          afterGradients.train.applyAdam(
              parameter,
              firstMoment,
              secondMoment,
              beta1Power,
              beta2Power,
              lr,
              beta1,
              beta2,
              epsilon,
              frozenGradients.get(i)));
    }
    return tf.withControlDependencies(updates).withName("train_step").noOp();
  }

  private static List<float[]> readValues(Session session, List<Variable<TFloat32>> parameters) {
    Session.Runner runner = session.runner();
    parameters.forEach(runner::fetch);
    List<float[]> values = new ArrayList<>(parameters.size());
    try (Result result = runner.run()) {
      for (int i = 0; i < parameters.size(); i++) {
        TFloat32 tensor = (TFloat32) result.get(i);
        float[] value = new float[Math.toIntExact(tensor.size())];
        tensor.copyTo(DataBuffers.of(value, false, false));
        values.add(value);
      }
    }
    return values;
  }
}
