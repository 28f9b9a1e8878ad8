package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.gateway.testing.CallLoad;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the file under load over real sockets, through the watcher and the start-up loader:
 * each new table is swapped in whole, a refused file leaves the routes in force, and no call fails.
 */
class HotReloadIT {
  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private CallLoad load;

  @Test
  void weightsAndEndpointsChangeUnderLoadAndABadFileIsRefusedWithZeroFailedCalls()
      throws Exception {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, split(stable, 100, canary, 0));
    GatewayConfigLoader loader = GatewayConfigLoader.of(file);
    GatewayConfig config = loader.load().value();
    Gateway gateway = bed.gateway(config);
    ConfigWatcher watcher =
        bed.register(
            ConfigWatcher.start(
                loader, Files.readAllBytes(file), Duration.ofMillis(50), gateway::reload));
    GatewayClient client = bed.client(gateway);
    load = CallLoad.start(client, 4);
    try {
      for (int stableWeight : new int[] {50, 0, 100}) {
        Configs.replace(file, split(stable, stableWeight, canary, 100 - stableWeight));
        load.awaitCalls(200);
      }
      Configs.replace(file, only(canary, "1s"));
      load.awaitCalls(200);
      load.servedBy().clear();
      load.awaitCalls(200);
      assertThat(load.servedBy()).containsOnlyKeys("canary");

      long rejected = watcher.rejected();
      Configs.replace(file, only(stable, "999999999999999999m"));
      await().atMost(Duration.ofSeconds(10)).until(() -> watcher.rejected() > rejected);
      load.servedBy().clear();
      load.awaitCalls(200);
      assertThat(load.servedBy()).as("the refused file changed nothing").containsOnlyKeys("canary");

      Configs.replace(file, only(stable, "1s"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> load.servedBy().getOrDefault("stable", new AtomicLong()).get() > 100);
    } finally {
      load.stop();
    }
    assertThat(load.failures()).as("calls failed during reloads").isEmpty();
  }

  private static String split(
      FakeBackend stable, int stableWeight, FakeBackend canary, int canaryWeight) {
    return "drainTimeout: 5s\nroutes:\n"
        + Routes.split("digits", stable, stableWeight, canary, canaryWeight);
  }

  private static String only(FakeBackend backend, String drainTimeout) {
    return """
        drainTimeout: %s
        routes:
          - model: digits
            variants:
              - {name: only, weight: 1, endpoints: ["%s"]}
        """
        .formatted(drainTimeout, backend.endpoint());
  }
}
