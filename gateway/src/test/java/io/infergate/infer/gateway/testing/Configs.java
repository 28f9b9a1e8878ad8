package io.infergate.infer.gateway.testing;

import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Gateway configurations from YAML text, through the real loader. Warm-up before SERVING is off
 * unless the text sets {@code warmup}: the fake backends count, hold and stall calls, and warm-up
 * calls would be among them ({@code GatewayWarmupIT} tests warm-up itself).
 */
public final class Configs {
  /** The top-level lines of a gateway listening on loopback, on a port the system picks. */
  public static final String LOOPBACK = "host: 127.0.0.1\nport: 0\n";

  private Configs() {}

  /**
   * A top-level {@code routes:} line with one route: model {@code m} to {@code backend} alone, as
   * variant {@code stable}.
   */
  public static String soleRoute(FakeBackend backend) {
    return "routes: [{model: m, variants: [{name: stable, weight: 1, endpoints: [\""
        + backend.endpoint()
        + "\"]}]}]\n";
  }

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

  /** {@code yaml} with {@code warmup: {enabled: false}} added unless it sets warm-up itself. */
  public static String withWarmupOffUnlessSet(String yaml) {
    return yaml.contains("warmup:") ? yaml : yaml + "\nwarmup: {enabled: false}\n";
  }

  /** Writes {@code yaml} to a new file in {@code dir}. */
  public static Path write(Path dir, String yaml) {
    try {
      Path file = Files.createTempFile(dir, "gateway", ".yaml");
      Files.writeString(file, withWarmupOffUnlessSet(yaml));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
