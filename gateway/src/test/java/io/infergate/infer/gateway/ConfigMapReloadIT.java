package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.gateway.testing.CallLoad;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kubernetes ConfigMap mounted as a directory, updated as the kubelet updates it: the file is a
 * symlink through {@code ..data}, itself a symlink to a timestamped directory; an update writes a
 * new directory, points a temporary link at it, renames that link over {@code ..data} and deletes
 * the old directory. The file's own path never changes. Under load, each swap's routes apply and no
 * call fails.
 */
class ConfigMapReloadIT {
  @TempDir Path mount;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private CallLoad load;
  private int generation;

  @Test
  void aSwapOfTheDataSymlinkIsReloadedUnderLoadWithZeroFailedCalls() throws Exception {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    Path file = mount.resolve("gateway.yaml");
    project(split(stable, 100, canary, 0));
    Files.createSymbolicLink(file, Path.of("..data/gateway.yaml"));
    GatewayConfigLoader loader = GatewayConfigLoader.of(file);
    GatewayConfig config = loader.load().value();
    Gateway gateway = bed.gateway(config);
    bed.register(
        ConfigWatcher.start(
            loader, Files.readAllBytes(file), Duration.ofMillis(50), gateway::reload));
    GatewayClient client = bed.client(gateway);
    assertThat(client.infer("digits-next", Map.of()).code()).isEqualTo(Status.Code.NOT_FOUND);

    load = CallLoad.start(client, 4);
    try {
      load.awaitCalls(200);
      assertThat(load.servedBy()).containsOnlyKeys("stable");

      project(split(stable, 0, canary, 100));
      awaitOnly("canary");

      project(split(stable, 0, canary, 100) + nextRoute(stable));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> client.infer("digits-next", Map.of()).isOk());
      awaitOnly("canary");

      project(split(stable, 100, canary, 0));
      awaitOnly("stable");
      assertThat(client.infer("digits-next", Map.of()).code())
          .as("the route the last swap removed")
          .isEqualTo(Status.Code.NOT_FOUND);
    } finally {
      load.stop();
    }
    assertThat(load.failures()).as("calls failed during the swaps").isEmpty();
    try (Stream<Path> entries = Files.list(mount)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .as("one timestamped directory is left, as the kubelet leaves it")
          .hasSize(3);
    }
  }

  /**
   * Publishes {@code yaml} as the kubelet's AtomicWriter does: a new {@code ..<timestamp>}
   * directory, a {@code ..data_tmp} link to it renamed over {@code ..data}, the old directory
   * removed.
   */
  private void project(String yaml) throws IOException {
    Path data = mount.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? mount.resolve(Files.readSymbolicLink(data)) : null;
    Path next = mount.resolve("..2026_12_06_20_00_00." + generation++);
    Files.createDirectory(next);
    Files.writeString(next.resolve("gateway.yaml"), yaml);
    Path link = mount.resolve("..data_tmp");
    Files.createSymbolicLink(link, next.getFileName());
    Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (old != null) {
      try (Stream<Path> files = Files.walk(old)) {
        for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  /** Waits until a run of calls has all gone to {@code backend} alone. */
  private void awaitOnly(String backend) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              load.servedBy().clear();
              load.awaitCalls(100);
              return load.servedBy().keySet().equals(Set.of(backend));
            });
  }

  private static String split(
      FakeBackend stable, int stableWeight, FakeBackend canary, int canaryWeight) {
    return "drainTimeout: 5s\nroutes:\n"
        + Routes.split("digits", stable, stableWeight, canary, canaryWeight);
  }

  private static String nextRoute(FakeBackend backend) {
    return """
          - model: digits-next
            variants:
              - {name: only, weight: 1, endpoints: ["%s"]}
        """
        .formatted(backend.endpoint());
  }
}
