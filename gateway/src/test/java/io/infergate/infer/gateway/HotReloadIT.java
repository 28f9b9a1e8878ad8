package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.gateway.testing.Backends;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Captured;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
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
import org.junit.jupiter.api.io.TempDir;

/** Reloading routes under load: the new table is swapped in whole and no call fails. */
class HotReloadIT {
  @TempDir Path scratch;

  @Test
  void weightsAndEndpointsChangeUnderLoadWithZeroFailedCalls() throws Exception {
    try (RunningServer v1 = Backends.digitsVersion(1, scratch);
        RunningServer v2 = Backends.digitsVersion(2, scratch)) {
      Path file = scratch.resolve("gateway.yaml");
      Files.writeString(file, config(v1.server().port(), 100, v2.server().port(), 0));
      Gateway gateway = Gateway.start(GatewayConfigLoader.load(file));
      ConfigWatcher watcher =
          ConfigWatcher.start(
              file, Files.readAllBytes(file), Duration.ofMillis(50), gateway.routes()::apply);
      ModelInferRequest request =
          DigitsRequests.oipRaw(DigitsRequests.validation().head(4), "").build();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong ok = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
      List<Thread> load = new ArrayList<>();
      try (GatewayClient client = new GatewayClient(gateway.port())) {
        for (int t = 0; t < 4; t++) {
          Thread thread =
              new Thread(
                  () -> {
                    while (running.get()) {
                      Captured captured = new Captured();
                      try {
                        client.oip(Map.of(), captured).modelInfer(request);
                        ok.incrementAndGet();
                        seen.computeIfAbsent(captured.variant(), k -> new AtomicLong())
                            .incrementAndGet();
                      } catch (StatusRuntimeException e) {
                        failures.add(e);
                      }
                    }
                  });
          thread.start();
          load.add(thread);
        }
        long[] steps = {100, 50, 0};
        for (long stableWeight : steps) {
          Files.writeString(
              file,
              config(
                  v1.server().port(),
                  (int) stableWeight,
                  v2.server().port(),
                  100 - (int) stableWeight));
          long before = ok.get();
          await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > before + 200);
        }
        // Then the stable variant and its endpoint go away: its channel drains and closes.
        Files.writeString(file, canaryOnly(v2.server().port()));
        long reloaded = ok.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > reloaded + 200);
        seen.clear();
        long before = ok.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > before + 200);
        running.set(false);
        for (Thread thread : load) {
          thread.join(20_000);
        }
        assertThat(failures).as("calls failed during reloads").isEmpty();
        assertThat(seen).containsOnlyKeys("canary;version=2");
      } finally {
        running.set(false);
        watcher.close();
        gateway.close();
      }
    }
  }

  @Test
  void aBadNewFileIsRejectedAndTheOldRoutesKeepServing() throws Exception {
    try (RunningServer v1 = Backends.digitsVersion(1, scratch)) {
      Path file = scratch.resolve("gateway.yaml");
      Files.writeString(file, config(v1.server().port(), 1, v1.server().port(), 0));
      Gateway gateway = Gateway.start(GatewayConfigLoader.load(file));
      ConfigWatcher watcher =
          ConfigWatcher.start(
              file, Files.readAllBytes(file), Duration.ofHours(1), gateway.routes()::apply);
      try (GatewayClient client = new GatewayClient(gateway.port())) {
        Files.writeString(file, "routes: [{model: digits, variants: []}]\n");
        watcher.check();

        Captured captured = new Captured();
        DigitsDataset one = DigitsRequests.validation().head(1);
        client.oip(Map.of(), captured).modelInfer(DigitsRequests.oipRaw(one, "").build());
        assertThat(captured.variant()).isEqualTo("stable;version=1");
      } finally {
        watcher.close();
        gateway.close();
      }
    }
  }

  private static String canaryOnly(int canaryPort) {
    return """
        host: 127.0.0.1
        port: 0
        routes:
          - model: digits
            variants:
              - {name: canary, weight: 1, endpoints: ["127.0.0.1:%d"]}
        """
        .formatted(canaryPort);
  }

  private static String config(int stablePort, int stableWeight, int canaryPort, int canaryWeight) {
    return """
        host: 127.0.0.1
        port: 0
        drainTimeout: 5s
        routes:
          - model: digits
            variants:
              - {name: stable, weight: %d, endpoints: ["127.0.0.1:%d"]}
              - {name: canary, weight: %d, endpoints: ["127.0.0.1:%d"]}
        """
        .formatted(stableWeight, stablePort, canaryWeight, canaryPort);
  }
}
