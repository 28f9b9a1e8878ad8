package io.infergate.infer.modelserver.testing;

import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.observability.config.ConfigBinder;
import io.infergate.infer.observability.config.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model server configurations for tests, bound as {@code ModelServerMain} binds a file: the tests'
 * base (loopback, a free port, two workers, 5 s shutdown grace) under the keys a test sets in YAML,
 * so that a test names only what it is about.
 */
public final class TestConfigs {
  private TestConfigs() {}

  /**
   * The configuration serving {@code models}, with {@code yaml}'s keys over the base.
   *
   * @param yaml a YAML mapping such as {@code "reflection: false"}; empty for the base alone
   */
  public static ModelServerConfig of(Path models, String yaml) {
    ConfigBinder<ModelServerConfig> binder =
        ConfigBinder.of(ModelServerConfig.class)
            .value("host", "127.0.0.1", Source.DEFAULT)
            .value("port", "0", Source.DEFAULT)
            .value("workerThreads", "2", Source.DEFAULT)
            .value("shutdownGrace", "5s", Source.DEFAULT)
            .value("models", "'" + models + "'", Source.DEFAULT);
    if (!yaml.isBlank()) {
      try {
        Path file = Files.createTempFile("model-server-test", ".yaml");
        try {
          binder.file(Files.writeString(file, yaml));
        } finally {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return binder.bind().value();
  }
}
