package io.infergate.infer.modelserver.testing;

import io.infergate.infer.digits.DigitsTrainer;
import java.nio.file.Path;

/**
 * The model repository the integration tests serve: {@code digits} versions 1 and 2 as the trainer
 * makes them, {@code typed} version 1 and {@code ragged} version 1. Built once under {@code
 * target/test-models} and reused by every test class (and by later runs until {@code mvn clean}).
 */
public final class TestRepository {
  private static Path root;

  private TestRepository() {}

  public static synchronized Path shared() throws Exception {
    if (root == null) {
      Path dir = Path.of("target", "test-models").toAbsolutePath();
      DigitsTrainer.ensureExported(dir);
      TypedTestModel.export(dir, 1);
      RaggedTestModel.export(dir, 1);
      root = dir;
    }
    return root;
  }
}
