package io.infergate.infer.digits;

import io.infergate.infer.observability.baseline.Baseline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a digits version's {@link TrainingBaseline}: the 64 pixels of the training split, and the
 * classes the exported version predicts for the held-out split.
 */
final class DigitsBaseline {
  private DigitsBaseline() {}

  /** Writes it into {@code versionDirectory} unless it is there already. */
  static void ensureWritten(Path versionDirectory, DigitsDataset.Split split) throws IOException {
    if (Files.exists(versionDirectory.resolve(Baseline.PATH))) {
      return;
    }
    of(versionDirectory, split).writeTo(versionDirectory);
  }

  /** The baseline of the SavedModel in {@code versionDirectory}. */
  static Baseline of(Path versionDirectory, DigitsDataset.Split split) {
    return TrainingBaseline.of(ServingExport.INPUT, pixelNames(), split.train().flatPixels())
        .withPredictions(
            TrainingBaseline.predictions(
                ServingExport.CLASSES,
                DigitsDataset.CLASSES,
                SavedModelEvaluation.predictClasses(versionDirectory, split.validation())));
  }

  /** Pixels are named by their index, 0..63, row-major. */
  private static List<String> pixelNames() {
    List<String> names = new ArrayList<>(DigitsDataset.PIXELS);
    for (int i = 0; i < DigitsDataset.PIXELS; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }
}
