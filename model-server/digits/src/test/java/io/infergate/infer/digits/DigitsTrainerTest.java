package io.infergate.infer.digits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.infergate.infer.digits.DigitsTrainer.TrainedVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import picocli.CommandLine;

/** Trains once into a shared repository (about a second per version) and inspects the result. */
class DigitsTrainerTest {

  @TempDir static Path temp;

  private static Path repository;
  private static List<TrainedVersion> firstRun;
  private static final DigitsDataset validation = DigitsDataset.load().split().validation();

  @BeforeAll
  static void trainOnce() {
    repository = temp.resolve("repository");
    firstRun = DigitsTrainer.ensureExported(repository);
  }

  @Test
  void exportsBothVersionsAsSavedModels() {
    assertThat(firstRun)
        .extracting(TrainedVersion::model, TrainedVersion::version, TrainedVersion::kind)
        .containsExactly(tuple("digits", 1, "softmax-regression"), tuple("digits", 2, "mlp"));
    assertThat(firstRun).allSatisfy(v -> assertThat(v.trainedNow()).isTrue());
    for (int version = 1; version <= 2; version++) {
      Path directory = versionDirectory(repository, version);
      assertThat(directory.resolve("saved_model.pb")).isRegularFile();
      assertThat(directory.resolve("variables/variables.index")).isRegularFile();
    }
  }

  @Test
  void leavesOnlyVersionDirectoriesAndTheModelConfigBehind() throws IOException {
    assertThat(listNames(repository.resolve("digits")))
        .containsExactlyInAnyOrder("1", "2", "model.yaml");
    // The model server's own tests read this file with its parser (ModelConfigTest).
    assertThat(repository.resolve("digits/model.yaml"))
        .content()
        .contains("versionPolicy: all", "stable: 1", "canary: 2");
  }

  @Test
  void servingDefaultTakesRawPixelsAndReturnsProbabilitiesAndClasses() {
    for (int version = 1; version <= 2; version++) {
      try (SavedModelBundle bundle = load(repository, version)) {
        assertThat(bundle.signatures()).extracting(Signature::key).contains("serving_default");
        Signature signature = bundle.function("serving_default").signature();

        assertThat(signature.methodName()).isEqualTo("tensorflow/serving/predict");
        assertThat(signature.inputNames()).containsExactly("pixels");
        assertThat(signature.outputNames()).containsExactlyInAnyOrder("probs", "classes");
        Signature.TensorDescription pixels = signature.getInputs().get("pixels");
        assertThat(pixels.dataType).isEqualTo(DataType.DT_FLOAT);
        // Shape.equals treats unknown sizes as never equal, so compare the dimensions.
        assertThat(pixels.shape.asArray()).containsExactly(-1, 64);
        Signature.TensorDescription probs = signature.getOutputs().get("probs");
        assertThat(probs.dataType).isEqualTo(DataType.DT_FLOAT);
        assertThat(probs.shape.asArray()).containsExactly(-1, 10);
        Signature.TensorDescription classes = signature.getOutputs().get("classes");
        assertThat(classes.dataType).isEqualTo(DataType.DT_INT64);
        assertThat(classes.shape.asArray()).containsExactly(-1);
      }
    }
  }

  @Test
  void exportedGraphHoldsNoTrainingOps() {
    for (int version = 1; version <= 2; version++) {
      try (SavedModelBundle bundle = load(repository, version)) {
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Iterator<GraphOperation> ops = bundle.graph().operations(); ops.hasNext(); ) {
          GraphOperation op = ops.next();
          types.add(op.type());
          names.add(op.name());
        }
        assertThat(types)
            .contains("Softmax", "ArgMax", "VariableV2")
            .doesNotContain(
                "ApplyAdam", "SoftmaxCrossEntropyWithLogits", "StatelessTruncatedNormal")
            .noneMatch(type -> type.endsWith("Grad"));
        assertThat(names).doesNotContain("labels", "loss", "beta1_power");
      }
    }
  }

  @Test
  void bothVersionsClassifyHeldOutDigitsAtLeast92PercentCorrectly() {
    for (TrainedVersion trained : firstRun) {
      Predictions predictions = predict(repository, trained.version(), validation);

      int correct = 0;
      for (int row = 0; row < validation.size(); row++) {
        if (predictions.classes()[row] == validation.label(row)) {
          correct++;
        }
      }
      double accuracy = (double) correct / validation.size();
      assertThat(accuracy).as("v%d accuracy", trained.version()).isGreaterThanOrEqualTo(0.92);
      assertThat(trained.validationAccuracy()).isEqualTo(accuracy);
    }
  }

  @Test
  void probabilitiesSumToOneAndClassesAreTheirArgMax() {
    for (int version = 1; version <= 2; version++) {
      Predictions predictions = predict(repository, version, validation);

      for (int row = 0; row < validation.size(); row++) {
        float sum = 0;
        int best = 0;
        for (int digit = 0; digit < 10; digit++) {
          float p = predictions.probs()[row * 10 + digit];
          sum += p;
          if (p > predictions.probs()[row * 10 + best]) {
            best = digit;
          }
        }
        assertThat(sum).isCloseTo(1f, within(1e-4f));
        assertThat(predictions.classes()[row]).isEqualTo(best);
      }
    }
  }

  @Test
  void secondCallTrainsNothingAndReportsTheSameAccuracy() {
    List<TrainedVersion> secondRun = DigitsTrainer.ensureExported(repository);

    assertThat(secondRun).allSatisfy(v -> assertThat(v.trainedNow()).isFalse());
    assertThat(secondRun)
        .extracting(TrainedVersion::validationAccuracy)
        .containsExactlyElementsOf(
            firstRun.stream().map(TrainedVersion::validationAccuracy).toList());
  }

  @Test
  void forcedRetrainingReplacesVersionsWithBitIdenticalModels() throws IOException {
    Path other = temp.resolve("other");
    Path stale = Files.createDirectories(versionDirectory(other, 1)).resolve("stale");
    Files.writeString(stale, "from an older run");

    List<TrainedVersion> retrained = DigitsTrainer.export(other, true);

    assertThat(retrained).allSatisfy(v -> assertThat(v.trainedNow()).isTrue());
    assertThat(stale).doesNotExist();
    assertThat(listNames(other.resolve("digits")))
        .containsExactlyInAnyOrder("1", "2", "model.yaml");
    for (int version = 1; version <= 2; version++) {
      Predictions first = predict(repository, version, validation);
      Predictions second = predict(other, version, validation);
      assertThat(second.probs()).as("v%d probs", version).isEqualTo(first.probs());
      assertThat(second.classes()).as("v%d classes", version).isEqualTo(first.classes());
    }
  }

  @Test
  void commandLinePrintsOneLinePerVersion() {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new DigitsTrainer.Cli());
    command.setOut(new PrintWriter(out));

    int exitCode = command.execute("--out", repository.toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString().lines())
        .hasSize(2)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("digits v1 softmax-regression: validation accuracy ")
                    .endsWith("(359 held-out digits), already exported"))
        .anySatisfy(line -> assertThat(line).startsWith("digits v2 mlp: validation accuracy "));
  }

  @Test
  void commandLineRequiresTheOutputDirectory() {
    CommandLine command = new CommandLine(new DigitsTrainer.Cli());
    command.setErr(new PrintWriter(new StringWriter()));

    assertThat(command.execute()).isEqualTo(2);
  }

  private static Path versionDirectory(Path root, int version) {
    return root.resolve("digits").resolve(Integer.toString(version));
  }

  private static SavedModelBundle load(Path root, int version) {
    return SavedModelBundle.load(versionDirectory(root, version).toString(), "serve");
  }

  private static List<String> listNames(Path directory) throws IOException {
    try (Stream<Path> children = Files.list(directory)) {
      return children.map(child -> child.getFileName().toString()).toList();
    }
  }

  /** Runs the whole data set in one batch through the tensor names the signature declares. */
  private static Predictions predict(Path root, int version, DigitsDataset dataset) {
    try (SavedModelBundle bundle = load(root, version)) {
      Signature signature = bundle.function("serving_default").signature();
      Map<String, Signature.TensorDescription> outputs = signature.getOutputs();
      try (TFloat32 pixels =
              TFloat32.tensorOf(
                  Shape.of(dataset.size(), 64), DataBuffers.of(dataset.flatPixels(), true, false));
          Result result =
              bundle
                  .session()
                  .runner()
                  .feed(signature.getInputs().get("pixels").name, pixels)
                  .fetch(outputs.get("probs").name)
                  .fetch(outputs.get("classes").name)
                  .run()) {
        float[] probs = new float[dataset.size() * 10];
        long[] classes = new long[dataset.size()];
        ((TFloat32) result.get(0)).copyTo(DataBuffers.of(probs, false, false));
        ((TInt64) result.get(1)).copyTo(DataBuffers.of(classes, false, false));
        return new Predictions(probs, classes);
      }
    }
  }

  private record Predictions(float[] probs, long[] classes) {}
}
