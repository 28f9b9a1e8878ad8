package io.infergate.infer.modelserver.testing;

import io.infergate.infer.modelserver.backend.TestModels;
import java.nio.file.Path;

/**
 * A tiny SavedModel, {@code typed}, whose inputs cover the element types the digits model does not:
 * FP64 {@code [-1,2]}, INT32 {@code [-1,2]} and INT64 {@code [-1]}. Outputs: {@code doubled} =
 * 2·f64, {@code plus_one} = i32 + 1, {@code negated} = −i64, so every answer can be checked by
 * hand.
 */
public final class TypedTestModel {
  public static final String NAME = "typed";

  private TypedTestModel() {}

  /** Writes version {@code version} of the model under {@code repository}, unless it is there. */
  public static Path export(Path repository, int version) throws Exception {
    return TestModels.exportTyped(repository.resolve(NAME).resolve(Integer.toString(version)));
  }
}
