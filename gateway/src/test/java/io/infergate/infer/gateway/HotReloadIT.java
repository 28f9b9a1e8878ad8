package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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

  private final AtomicLong ok = new AtomicLong();
  private final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Reply> failures = new ConcurrentLinkedQueue<>();

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
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> call(client, running), "load-" + t);
      thread.start();
      load.add(thread);
    }
    try {
      for (int stableWeight : new int[] {50, 0, 100}) {
        Configs.replace(file, split(stable, stableWeight, canary, 100 - stableWeight));
        awaitCalls(200);
      }
      Configs.replace(file, only(canary, "1s"));
      awaitCalls(200);
      servedBy.clear();
      awaitCalls(200);
      assertThat(servedBy).containsOnlyKeys("canary");

      long rejected = watcher.rejected();
      Configs.replace(file, only(stable, "999999999999999999m"));
      await().atMost(Duration.ofSeconds(10)).until(() -> watcher.rejected() > rejected);
      servedBy.clear();
      awaitCalls(200);
      assertThat(servedBy).as("the refused file changed nothing").containsOnlyKeys("canary");

      Configs.replace(file, only(stable, "1s"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> servedBy.getOrDefault("stable", new AtomicLong()).get() > 100);
    } finally {
      running.set(false);
      for (Thread thread : load) {
        thread.join(20_000);
      }
    }
    assertThat(failures).as("calls failed during reloads").isEmpty();
  }

  private void call(GatewayClient client, AtomicBoolean running) {
    while (running.get()) {
      Reply reply = client.infer("digits", Map.of());
      if (reply.isOk()) {
        ok.incrementAndGet();
        servedBy
            .computeIfAbsent(reply.header("x-served-by"), k -> new AtomicLong())
            .incrementAndGet();
      } else {
        failures.add(reply);
      }
    }
  }

  private void awaitCalls(long more) {
    long before = ok.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > before + more);
  }

  private static String split(
      FakeBackend stable, int stableWeight, FakeBackend canary, int canaryWeight) {
    return """
        drainTimeout: 5s
        routes:
          - model: digits
            variants:
              - {name: stable, weight: %d, endpoints: ["%s"]}
              - {name: canary, weight: %d, endpoints: ["%s"]}
        """
        .formatted(stableWeight, stable.endpoint(), canaryWeight, canary.endpoint());
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
