package io.infergate.infer.gateway.testing;

import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Gateway configurations from YAML text, through the real loader. */
public final class Configs {
  private Configs() {}

  /** Writes {@code yaml} to a new file in {@code dir} and loads it. */
  public static GatewayConfig load(Path dir, String yaml) {
    return GatewayConfigLoader.of(write(dir, yaml)).load().value();
  }

  /**
   * Replaces {@code file}'s content with {@code yaml} in one step (a rename, as Kubernetes swaps
   * config maps), so that a watcher never reads a half-written file.
   */
  public static void replace(Path file, String yaml) {
    try {
      Path next = Files.createTempFile(file.getParent(), ".next", ".yaml");
      Files.writeString(next, yaml);
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code yaml} to a new file in {@code dir}. */
  public static Path write(Path dir, String yaml) {
    try {
      Path file = Files.createTempFile(dir, "gateway", ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
