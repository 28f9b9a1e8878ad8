package io.infergate.infer.digits;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the demo model {@code digits} and exports it into a model repository, so the model server
 * has something real to serve without a Python toolchain or a download.
 *
 * <p>It writes two versions as TensorFlow SavedModels under {@code <root>/digits/<version>/}:
 * version 1 is softmax regression (64 to 10), version 2 a small MLP (64 to 64 ReLU to 10). Both
 * take raw pixels 0..16 (the graph scales them) through the {@code serving_default} signature:
 * input {@code pixels} (float, {@code [-1, 64]}), outputs {@code probs} (float, {@code [-1, 10]})
 * and {@code classes} (int64, {@code [-1]}).
 *
 * <p>Training is deterministic: the same code gives bit-identical models on every run. Each version
 * is written to a hidden staging directory next to its final place and renamed into place only once
 * it is complete and has passed the accuracy floor, so a crash never leaves a half-written version
 * for a server to load.
 */
public final class DigitsTrainer {

  /** The model's name in the repository and on the wire. */
  public static final String MODEL_NAME = "digits";

  /** A newly trained version scoring below this on the held-out split is not exported. */
  public static final double MIN_VALIDATION_ACCURACY = 0.92;

  private static final Logger logger = LoggerFactory.getLogger(DigitsTrainer.class);

  private DigitsTrainer() {}

  /**
   * Command line: {@code --out DIR} (the repository root, required) and {@code --force} (retrain
   * versions that are already there). Prints one line per version; exits 0 on success and 1 when a
   * version misses the accuracy floor or cannot be written.
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }

  /**
   * Trains and exports each version whose directory is absent under {@code repositoryRoot} and
   * re-measures the ones already there, so callers (tests, the demo, servers at start-up) can call
   * it unconditionally and pay for training once. Also writes, unless there, each version's TF
   * Serving warm-up file of real held-out digits, its training baseline ({@code
   * assets.extra/baseline.json}, {@link TrainingBaseline}) and the model's {@code model.yaml} (both
   * versions served, labelled {@code stable} and {@code canary}).
   *
   * @return one entry per version, in version order
   * @throws IllegalStateException if a newly trained version scores below {@link
   *     #MIN_VALIDATION_ACCURACY} on the validation split; that version is not exported
   * @throws UncheckedIOException if the repository cannot be written
   */
  public static List<TrainedVersion> ensureExported(Path repositoryRoot) {
    return export(repositoryRoot, false);
  }

  /**
   * The demo serves both versions side by side (the gateway splits traffic between them), so it
   * overrides the default policy of serving only the newest; the labels name them for TF Serving
   * clients and OIP's model_version.
   */
  private static final String MODEL_CONFIG =
      """
      # Written by DigitsTrainer; edit freely: the model server re-reads it while running.
      versionPolicy: all
      labels:
        stable: 1
        canary: 2
      """;

  static List<TrainedVersion> export(Path repositoryRoot, boolean force) {
    // Loads the native library (about a second, once per JVM) here rather than inside the first
    // version's training time, so the times reported compare the architectures.
    logger.debug("TensorFlow {}", TensorFlow.version());
    DigitsDataset.Split split = DigitsDataset.load().split();
    Path modelDirectory = repositoryRoot.resolve(MODEL_NAME);
    try {
      Files.createDirectories(modelDirectory);
      List<TrainedVersion> versions = new ArrayList<>();
      for (DigitsArchitecture architecture : DigitsArchitecture.ALL) {
        Path versionDirectory = modelDirectory.resolve(Integer.toString(architecture.version()));
        if (!force && Files.exists(versionDirectory)) {
          versions.add(alreadyExported(architecture, versionDirectory, split.validation()));
          WarmupRecords.ensureWritten(versionDirectory, split.validation());
          DigitsBaseline.ensureWritten(versionDirectory, split);
        } else {
          versions.add(trainAndPublish(architecture, split, versionDirectory));
        }
      }
      Path modelConfig = modelDirectory.resolve("model.yaml");
      if (!Files.exists(modelConfig)) {
        Files.writeString(modelConfig, MODEL_CONFIG);
      }
      return List.copyOf(versions);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export " + MODEL_NAME + " into " + modelDirectory, e);
    }
  }

  private static TrainedVersion alreadyExported(
      DigitsArchitecture architecture, Path versionDirectory, DigitsDataset validation) {
    double accuracy = SavedModelEvaluation.accuracy(versionDirectory, validation);
    logger.info(
        "{} v{} already exported at {}: validation accuracy {}",
        MODEL_NAME,
        architecture.version(),
        versionDirectory,
        percent(accuracy));
    return new TrainedVersion(
        MODEL_NAME,
        architecture.version(),
        architecture.kind(),
        accuracy,
        false,
        0,
        0,
        Duration.ZERO);
  }

  private static TrainedVersion trainAndPublish(
      DigitsArchitecture architecture, DigitsDataset.Split split, Path versionDirectory)
      throws IOException {
    TrainedParameters parameters = AdamTraining.train(architecture, split.train());
    Path staging = siblingPath(versionDirectory, "staging");
    Files.createDirectory(staging);
    try {
      ServingExport.write(architecture, parameters, staging);
      WarmupRecords.ensureWritten(staging, split.validation());
      DigitsBaseline.ensureWritten(staging, split);
      double accuracy = SavedModelEvaluation.accuracy(staging, split.validation());
      if (accuracy < MIN_VALIDATION_ACCURACY) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "%s v%d %s: validation accuracy %s is below the %s floor; not exported",
                MODEL_NAME,
                architecture.version(),
                architecture.kind(),
                percent(accuracy),
                percent(MIN_VALIDATION_ACCURACY)));
      }
      publish(staging, versionDirectory);
      logger.info(
          "{} v{} {}: trained {} epochs ({} steps) in {} ms (final training loss {}), validation"
              + " accuracy {}, exported to {}",
          MODEL_NAME,
          architecture.version(),
          architecture.kind(),
          parameters.epochs(),
          parameters.steps(),
          parameters.trainingTime().toMillis(),
          parameters.finalTrainingLoss(),
          percent(accuracy),
          versionDirectory);
      return new TrainedVersion(
          MODEL_NAME,
          architecture.version(),
          architecture.kind(),
          accuracy,
          true,
          parameters.epochs(),
          parameters.steps(),
          parameters.trainingTime());
    } finally {
      // After a successful publish the staging path no longer exists and this is a no-op.
      deleteQuietly(staging);
    }
  }

  /**
   * Renames the complete staging directory into place. A rename within one directory is atomic, so
   * a server sees either no version or a whole one. Replacing an existing version ({@code --force})
   * takes two renames, and between them the version is briefly absent; it is never half-written.
   */
  private static void publish(Path staging, Path versionDirectory) throws IOException {
    if (Files.exists(versionDirectory)) {
      Path retired = siblingPath(versionDirectory, "retired");
      Files.move(versionDirectory, retired, ATOMIC_MOVE);
      Files.move(staging, versionDirectory, ATOMIC_MOVE);
      deleteRecursively(retired);
      return;
    }
    try {
      Files.move(staging, versionDirectory, ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.exists(versionDirectory)) {
        throw e;
      }
      // Another process (a second server starting on the same repository) published first.
      // Training is deterministic, so what it wrote is this very model: keep it.
      logger.info("{} appeared while training; keeping it", versionDirectory);
    }
  }

  /**
   * A unique hidden sibling such as {@code .1.staging-1234-5678}: on the same file system (so the
   * rename is atomic), and not a number, so repository scanners never take it for a version.
   */
  private static Path siblingPath(Path versionDirectory, String purpose) {
    return versionDirectory.resolveSibling(
        "."
            + versionDirectory.getFileName()
            + "."
            + purpose
            + "-"
            + ProcessHandle.current().pid()
            + "-"
            + System.nanoTime());
  }

  /** For clean-up on the way out: a failure here must not hide the exception that got us here. */
  private static void deleteQuietly(Path root) {
    try {
      deleteRecursively(root);
    } catch (IOException e) {
      logger.warn("cannot delete {}; remove it by hand", root, e);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  /**
   * What {@link #ensureExported} did for one version.
   *
   * @param model the model name ({@value #MODEL_NAME})
   * @param version the version number, also its directory name
   * @param kind the architecture: {@code softmax-regression} or {@code mlp}
   * @param validationAccuracy accuracy of the exported SavedModel on the held-out validation split,
   *     measured by loading it back from disk
   * @param trainedNow whether this call trained and exported it (false: it was already there)
   * @param trainingEpochs passes over the training split made now; 0 when not trained now
   * @param trainingSteps mini-batch Adam steps taken now; 0 when not trained now
   * @param trainingTime time spent training now; zero when not trained now
   */
  public record TrainedVersion(
      String model,
      int version,
      String kind,
      double validationAccuracy,
      boolean trainedNow,
      int trainingEpochs,
      int trainingSteps,
      Duration trainingTime) {}

  /** The picocli command behind {@link #main}; System.out is for this summary only. */
  @Command(
      name = "digits-trainer",
      description = "Trains the demo model 'digits' and exports versions 1 and 2 as SavedModels.")
  static final class Cli implements Callable<Integer> {

    @Mixin CommandConsole console;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Model repository root; versions go to DIR/digits/<version>/.")
    Path out;

    @Option(names = "--force", description = "Retrain and replace versions that already exist.")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter stdout = console.out();
      List<TrainedVersion> versions;
      try {
        versions = export(out, force);
      } catch (IllegalStateException e) {
        // The accuracy floor (or a broken data resource): a clear line beats a stack trace.
        console.err().println("digits-trainer: " + e.getMessage());
        return 1;
      }
      int heldOut = DigitsDataset.load().split().validation().size();
      for (TrainedVersion version : versions) {
        stdout.println(summary(version, heldOut));
      }
      stdout.flush();
      return 0;
    }

    private static String summary(TrainedVersion version, int heldOut) {
      String head =
          String.format(
              Locale.ROOT,
              "%s v%d %s: validation accuracy %s (%d held-out digits), ",
              version.model(),
              version.version(),
              version.kind(),
              percent(version.validationAccuracy()),
              heldOut);
      if (!version.trainedNow()) {
        return head + "already exported";
      }
      return head
          + String.format(
              Locale.ROOT,
              "trained in %.1f s (%d epochs, %d Adam steps)",
              version.trainingTime().toNanos() / 1e9,
              version.trainingEpochs(),
              version.trainingSteps());
    }
  }
}
