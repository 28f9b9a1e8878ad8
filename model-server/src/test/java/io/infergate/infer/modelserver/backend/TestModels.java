package io.infergate.infer.modelserver.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Tiny SavedModels the tests serve, built with TensorFlow's ops (so the only test code that uses
 * the TensorFlow runtime lives, like the main code's, in this package). {@code
 * testing.TypedTestModel} and {@code testing.RaggedTestModel} describe them.
 */
public final class TestModels {
  private TestModels() {}

  /**
   * {@code typed}: FP64 {@code f64 [-1,2]}, INT32 {@code i32 [-1,2]}, INT64 {@code i64 [-1]} in;
   * {@code doubled} = 2·f64, {@code plus_one} = i32 + 1, {@code negated} = −i64 out.
   */
  public static Path exportTyped(Path dir) throws Exception {
    return export(
        dir,
        tf -> {
          Placeholder<TFloat64> f64 =
              tf.withName("f64").placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, 2)));
          Placeholder<TInt32> i32 =
              tf.withName("i32").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, 2)));
          Placeholder<TInt64> i64 =
              tf.withName("i64").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
          var two = tf.withName("two").variable(tf.constant(2.0));
          return Signature.builder()
              .input("f64", f64)
              .input("i32", i32)
              .input("i64", i64)
              .output("doubled", tf.withName("doubled").math.mul(f64, two))
              .output("plus_one", tf.withName("plus_one").math.add(i32, tf.constant(1)))
              .output("negated", tf.withName("negated").math.neg(i64));
        });
  }

  /**
   * {@code ragged}: FP32 {@code x [-1,-1]} in; {@code tripled} = 3·x ({@code [-1,-1]}) and {@code
   * row_sum} ({@code [-1]}) out.
   */
  public static Path exportRagged(Path dir) throws Exception {
    return export(
        dir,
        tf -> {
          Placeholder<TFloat32> x =
              tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
          var three = tf.withName("three").variable(tf.constant(3f));
          return Signature.builder()
              .input("x", x)
              .output("tripled", tf.withName("tripled").math.mul(x, three))
              .output("row_sum", tf.withName("row_sum").reduceSum(x, tf.constant(1)));
        });
  }

  /**
   * Writes the graph {@code build} makes, with its {@code serving_default} signature, to {@code
   * dir}, unless a SavedModel is there already. Each graph has a variable, because the exporter
   * writes a checkpoint and wants one to save.
   */
  private static Path export(Path dir, Function<Ops, Signature.Builder> build) throws Exception {
    if (Files.exists(dir.resolve("saved_model.pb"))) {
      return dir;
    }
    try (Graph graph = new Graph()) {
      Signature signature =
          build
              .apply(Ops.create(graph))
              .key(Signature.DEFAULT_KEY)
              .methodName("tensorflow/serving/predict")
              .build();
      try (Session session = new Session(graph)) {
        session.initialize();
        SavedModelBundle.exporter(dir.toString())
            .withSession(session)
            .withSignature(signature)
            .export();
      }
    }
    return dir;
  }
}
