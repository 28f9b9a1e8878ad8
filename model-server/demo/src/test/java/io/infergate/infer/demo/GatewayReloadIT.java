package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.demo.DigitsServers.Answer;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
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

/**
 * A canary ramp by hot reload under load, end to end: four threads send real digits through the
 * gateway while its file moves the weights 100/0, 50/50, 0/100 and finally drops the stable server;
 * no call fails and every answer is still a correct classification at the models' rate.
 */
class GatewayReloadIT {
  @TempDir Path scratch;
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong correct = new AtomicLong();
  private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  @Test
  void aCanaryRampAndTheStableServersRemovalUnderLoadFailNoCall() throws Exception {
    try (RunningServer v1 = DigitsServers.version(1, scratch);
        RunningServer v2 = DigitsServers.version(2, scratch)) {
      int stablePort = v1.server().port();
      int canaryPort = v2.server().port();
      Path file =
          DigitsServers.config(scratch, "stable 100 " + stablePort, "canary 0 " + canaryPort);
      GatewayConfigLoader loader = GatewayConfigLoader.of(file);
      Gateway gateway = Gateway.start(loader.load().value());
      ConfigWatcher watcher =
          ConfigWatcher.start(
              loader, Files.readAllBytes(file), Duration.ofMillis(50), gateway::reload);

      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> load = new ArrayList<>();
      try {
        for (int t = 0; t < 4; t++) {
          int first = t;
          Thread thread = new Thread(() -> classify(channel, running, first), "load-" + t);
          thread.start();
          load.add(thread);
        }
        for (int stableWeight : new int[] {50, 0}) {
          DigitsServers.config(
              scratch,
              "stable " + stableWeight + " " + stablePort,
              "canary " + (100 - stableWeight) + " " + canaryPort);
          awaitAnswers(200);
        }
        DigitsServers.config(scratch, "canary 1 " + canaryPort);
        awaitAnswers(200);
        seen.clear();
        awaitAnswers(200);
      } finally {
        running.set(false);
        for (Thread thread : load) {
          thread.join(20_000);
        }
        watcher.close();
        channel.shutdownNow();
        gateway.close();
      }
      assertThat(failures).as("calls failed during reloads").isEmpty();
      assertThat(seen).containsOnlyKeys("canary;version=2");
      assertThat((double) correct.get() / answered.get()).isGreaterThanOrEqualTo(0.92);
    }
  }

  private void classify(ManagedChannel channel, AtomicBoolean running, int first) {
    DigitsDataset heldOut = DigitsRequests.validation();
    for (int row = first; running.get(); row = (row + 4) % heldOut.size()) {
      try {
        Answer answer = DigitsServers.classify(channel, heldOut, row);
        answered.incrementAndGet();
        correct.addAndGet(answer.correct() ? 1 : 0);
        seen.computeIfAbsent(answer.variant(), k -> new AtomicLong()).incrementAndGet();
      } catch (StatusRuntimeException e) {
        failures.add(e);
      }
    }
  }

  private void awaitAnswers(long more) {
    long before = answered.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > before + more);
  }
}
