package io.infergate.infer.modelserver.testing;

import io.infergate.infer.modelserver.backend.TestModels;
import java.nio.file.Path;

/**
 * A tiny SavedModel, {@code ragged}, whose one input {@code x} is FP32 {@code [-1,-1]}: calls may
 * differ beyond the first dimension, which batching must never mix. Outputs: {@code tripled} = 3·x
 * ({@code [-1,-1]}) and {@code row_sum} = the sum of each row ({@code [-1]}).
 */
public final class RaggedTestModel {
  public static final String NAME = "ragged";

  private RaggedTestModel() {}

  /** Writes version {@code version} of the model under {@code repository}, unless it is there. */
  public static Path export(Path repository, int version) throws Exception {
    return TestModels.exportRagged(repository.resolve(NAME).resolve(Integer.toString(version)));
  }
}
