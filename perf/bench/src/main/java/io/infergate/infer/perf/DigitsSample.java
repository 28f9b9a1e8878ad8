package io.infergate.infer.perf;

import io.infergate.infer.digits.DigitsDataset;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which {@code digits} version runs and which held-out digit every call classifies: the {@code
 * --model-version} and {@code --row} flags of {@link ModelServerBenchmark}, which hands them on to
 * the {@link SessionRunLoop} processes it starts ({@code @Mixin DigitsSample sample;} in both), so
 * that both sides of its comparison run the same model on the same input.
 */
final class DigitsSample {
  @Option(
      names = "--model-version",
      defaultValue = "2",
      description = "digits version to run (default: ${DEFAULT-VALUE})")
  private int version;

  @Option(
      names = "--row",
      defaultValue = "0",
      description = "which held-out digit every call classifies (default: ${DEFAULT-VALUE})")
  private int row;

  /** The model version. */
  int version() {
    return version;
  }

  /** The held-out digit's pixels, which the model was not trained on. */
  float[] pixels() {
    return DigitsDataset.load().split().validation().pixels(row);
  }

  /** The flags as {@link SessionRunLoop} takes them on its command line. */
  List<String> asArguments() {
    return List.of("--model-version", Integer.toString(version), "--row", Integer.toString(row));
  }
}
