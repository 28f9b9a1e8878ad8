package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.AdminCalls.weights;
import static io.infergate.infer.gateway.testing.AdminPlane.OPERATOR;
import static io.infergate.infer.gateway.testing.AdminPlane.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.testing.AdminClient;
import io.infergate.infer.gateway.testing.AdminPlane;
import io.infergate.infer.gateway.testing.ChildGateway;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.RouteChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real gateway process at random instants while an operator writes weights:
 * every restart serves a committed state (the last answered write, or the one in flight), never a
 * torn one, and the audit log's last entry is that state.
 */
class AdminCrashIT {
  private static final int WRITES = 100;

  /** Kills at least this many times, however fast the writes go. */
  private static final int KILLS = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  @Test
  void everyRestartAfterAKillServesACommittedStateAndItsAuditEntry() throws Exception {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    Path stateDir = dir.resolve("state");
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "port: 0\n" + AdminPlane.yaml(dir, stable, 100, canary, 0));
    int answered = 0;
    int kills = 0;
    Map<String, Integer> committed = Map.of("stable", 100, "canary", 0);
    long committedRevision = 0;
    while (answered < WRITES || kills < KILLS) {
      try (ChildGateway gateway = ChildGateway.start(config, dir.resolve("gateway-" + kills))) {
        ManagedChannel channel =
            NettyChannelBuilder.forAddress("127.0.0.1", gateway.adminPort()).usePlaintext().build();
        try {
          GetRoutesResponse served = new AdminClient(channel, VIEWER).routes();
          Map<String, Integer> weights = weights(served.getRoutes(0));
          if (kills > 0) {
            assertServedIsCommitted(served.getRevision(), weights, committedRevision, committed);
            assertAuditEndsWith(stateDir, served.getRevision(), weights);
          }
          committed = weights;
          committedRevision = served.getRevision();

          // Writes until killed at a random instant, remembering the last answered and the next.
          AdminClient operator = new AdminClient(channel, OPERATOR);
          Thread killer = killLater(gateway, ThreadLocalRandom.current().nextLong(200, 2_000));
          long revision = served.getRevision();
          try {
            while (true) {
              int next = ThreadLocalRandom.current().nextInt(101);
              pending = Map.of("stable", 100 - next, "canary", next);
              RouteChange change = operator.setWeights("digits", pending, revision, "w" + next);
              revision = change.getRevision();
              committed = weights(change.getRoute());
              committedRevision = revision;
              answered++;
            }
          } catch (StatusRuntimeException killed) {
            // The gateway died mid-write: the write in flight may or may not have committed.
          }
          killer.join(20_000);
          kills++;
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
    System.out.printf("%d writes answered across %d kills%n", answered, kills);
    assertThat(kills).isGreaterThanOrEqualTo(KILLS);
  }

  /** The write in flight when the gateway was killed: it may have committed. */
  private Map<String, Integer> pending = Map.of();

  private void assertServedIsCommitted(
      long revision,
      Map<String, Integer> weights,
      long answeredRevision,
      Map<String, Integer> answered) {
    if (revision == answeredRevision) {
      assertThat(weights).as("revision %d, the last answered write", revision).isEqualTo(answered);
    } else {
      assertThat(revision)
          .as("after revision %d was answered, the one in flight", answeredRevision)
          .isEqualTo(answeredRevision + 1);
      assertThat(weights).as("revision %d, the write in flight", revision).isEqualTo(pending);
    }
  }

  private static void assertAuditEndsWith(Path stateDir, long revision, Map<String, Integer> after)
      throws Exception {
    List<String> lines = Files.readAllLines(stateDir.resolve(AuditLog.FILE));
    for (String line : lines) {
      JSON.readTree(line); // never a torn line
    }
    JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(last.get("revision").asLong())
        .as("the audit log's last revision")
        .isEqualTo(revision);
    assertThat(JSON.convertValue(last.get("after"), new TypeReference<Map<String, Integer>>() {}))
        .isEqualTo(after);
  }

  private static Thread killLater(ChildGateway gateway, long millis) {
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(millis);
                gateway.kill();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "kill-9");
    killer.start();
    return killer;
  }
}
