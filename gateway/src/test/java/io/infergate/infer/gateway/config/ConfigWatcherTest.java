package io.infergate.infer.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.testing.Configs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload through the start-up loader: a bad file is refused, the next good one applied. */
class ConfigWatcherTest {
  private static final String ABSURD =
      """
      drainTimeout: 999999999999999999m
      routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
      """;

  @TempDir Path dir;
  private final List<GatewayConfig> applied = new CopyOnWriteArrayList<>();
  private ConfigWatcher watcher;

  @AfterEach
  void stop() {
    watcher.close();
  }

  @Test
  void aFileWithAnAbsurdDurationIsRefusedAndTheNextGoodOneApplied() throws IOException {
    Path file = write(routes("a"));
    watcher = start(file, Duration.ofHours(1));

    Configs.replace(file, ABSURD);
    watcher.check();
    Configs.replace(file, routes("b"));
    watcher.check();

    assertThat(watcher.rejected()).isEqualTo(1);
    assertThat(applied).singleElement().satisfies(c -> assertThat(variant(c)).isEqualTo("b"));
  }

  @Test
  void theTimerKeepsCheckingAfterAFileItRefused() throws IOException {
    Path file = write(routes("a"));
    watcher = start(file, Duration.ofMillis(20));

    Configs.replace(file, ABSURD);
    await().atMost(Duration.ofSeconds(10)).until(() -> watcher.rejected() == 1);
    Configs.replace(file, routes("b"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !applied.isEmpty());
    assertThat(variant(applied.get(0))).isEqualTo("b");
  }

  @Test
  void anUnchangedOrVanishedFileChangesNothing() throws IOException {
    Path file = write(routes("a"));
    watcher = start(file, Duration.ofHours(1));

    watcher.check();
    Files.delete(file);
    watcher.check();

    assertThat(applied).isEmpty();
    assertThat(watcher.rejected()).isZero();
  }

  @Test
  void aConfigurationThatFailsToApplyIsCountedAndTheWatcherGoesOn() throws IOException {
    Path file = write(routes("a"));
    watcher =
        ConfigWatcher.start(
            GatewayConfigLoader.of(file),
            Files.readAllBytes(file),
            Duration.ofHours(1),
            config -> {
              if (variant(config).equals("b")) {
                throw new IllegalStateException("cannot open a channel");
              }
              applied.add(config);
            });

    Configs.replace(file, routes("b"));
    watcher.check();
    Configs.replace(file, routes("c"));
    watcher.check();

    assertThat(watcher.rejected()).isEqualTo(1);
    assertThat(applied).singleElement().satisfies(c -> assertThat(variant(c)).isEqualTo("c"));
  }

  private ConfigWatcher start(Path file, Duration interval) throws IOException {
    return ConfigWatcher.start(
        GatewayConfigLoader.of(file), Files.readAllBytes(file), interval, applied::add);
  }

  private static String routes(String variant) {
    return "routes: [{model: m, variants: [{name: "
        + variant
        + ", weight: 1, endpoints: [\"h:1\"]}]}]\n";
  }

  private static String variant(GatewayConfig config) {
    return config.routes().route("m").variant(0).name();
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Configs.replace(file, yaml);
    return file;
  }
}
