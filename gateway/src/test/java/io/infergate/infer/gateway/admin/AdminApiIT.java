package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.AdminCalls.code;
import static io.infergate.infer.gateway.admin.AdminCalls.failure;
import static io.infergate.infer.gateway.admin.AdminCalls.weights;
import static io.infergate.infer.gateway.testing.AdminPlane.OPERATOR;
import static io.infergate.infer.gateway.testing.AdminPlane.OTHER_OPERATOR;
import static io.infergate.infer.gateway.testing.AdminPlane.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.AdminClient;
import io.infergate.infer.gateway.testing.AdminPlane;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.RouteChange;
import io.infergate.infer.proto.admin.v1.VariantState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port over real sockets, wired as {@code bin/gateway} wires it: tokens and roles, stale
 * revisions and racing writers, weights reaching the data path with no failed call, and the state
 * and audit log that a restart reads.
 */
class AdminApiIT {
  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private final FakeBackend stable = bed.backend("stable");
  private final FakeBackend canary = bed.backend("canary");

  @Test
  void theDataPortAnswersUnimplementedForAdminMethods() {
    AdminPlane running = start(100, 0);

    assertThatThrownBy(
            () ->
                GatewayAdminGrpc.newBlockingStub(bed.client(running.gateway()).channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getRoutes(GetRoutesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void deniesCallsWithoutAKnownTokenAndWritesWithoutTheOperatorRole() {
    AdminPlane running = start(100, 0);

    assertThat(code(() -> running.client(null).routes())).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> running.client("not-a-token-at-all-xx").routes()))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(running.client(VIEWER).whoAmI().getIdentity()).isEqualTo("vera");
    assertThat(running.client(OPERATOR).whoAmI().getRole()).isEqualTo("operator");
    long revision = running.client(VIEWER).routes().getRevision();
    assertThat(
            code(
                () ->
                    running.client(VIEWER).setWeights("digits", Map.of("canary", 1), revision, "")))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            running
                .client(OPERATOR)
                .setWeights("digits", Map.of("canary", 1), revision, "try")
                .getRevision())
        .isEqualTo(revision + 1);
  }

  @Test
  void newWeightsReachTheDataPathWithNoFailedCall() throws Exception {
    AdminPlane running = start(100, 0);
    GatewayClient client = bed.client(running.gateway());
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    ConcurrentLinkedQueue<Reply> failures = new ConcurrentLinkedQueue<>();
    Thread load =
        new Thread(
            () -> {
              while (loading.get()) {
                Reply reply = client.infer("digits", Map.of());
                if (reply.isOk()) {
                  ok.incrementAndGet();
                } else {
                  failures.add(reply);
                }
              }
            },
            "load");
    load.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);
      AdminClient operator = running.client(OPERATOR);
      long revision = operator.routes().getRevision();

      RouteChange set =
          operator.setWeights("digits", Map.of("stable", 0, "canary", 100), revision, "go");

      assertThat(set.getRoute().getWeightsFromApi()).isTrue();
      assertThat(set.getRoute().getVariantsList())
          .extracting(VariantState::getName, VariantState::getWeight)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("stable", 0),
              org.assertj.core.groups.Tuple.tuple("canary", 100));
      int canaryBefore = canary.calls();
      await().atMost(Duration.ofSeconds(10)).until(() -> canary.calls() > canaryBefore + 50);
      for (int i = 0; i < 20; i++) {
        assertThat(client.infer("digits", Map.of()).header("x-served-by")).isEqualTo("canary");
      }
    } finally {
      loading.set(false);
      load.join(20_000);
    }
    assertThat(failures).as("calls failed while the weights changed").isEmpty();
  }

  @Test
  void refusesAStaleRevisionNamingTheCurrentOneAndWeightsTheRouterRefusesNamingTheField() {
    AdminPlane running = start(100, 0);
    AdminClient operator = running.client(OPERATOR);
    long revision = operator.routes().getRevision();
    operator.setWeights("digits", Map.of("canary", 5), revision, "first");

    StatusRuntimeException stale =
        failure(() -> operator.setWeights("digits", Map.of("canary", 9), revision, "late"));
    StatusRuntimeException negative =
        failure(() -> operator.setWeights("digits", Map.of("canary", -1), revision + 1, ""));
    StatusRuntimeException unknown =
        failure(() -> operator.setWeights("digits", Map.of("blue", 1), revision + 1, ""));

    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(stale.getStatus().getDescription())
        .isEqualTo(
            "based_on_revision: "
                + revision
                + " is stale (current revision: "
                + (revision + 1)
                + ")");
    assertThat(negative.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(negative.getStatus().getDescription())
        .isEqualTo("variants[1].weight: -1 (expected: >= 0)");
    assertThat(unknown.getStatus().getDescription())
        .isEqualTo("weights[\"blue\"]: unknown variant (expected: one of [stable, canary])");
    assertThat(operator.routes().getRevision()).isEqualTo(revision + 1);
  }

  @Test
  void ofTwoWritersOnOneRevisionExactlyOneWins() throws Exception {
    AdminPlane running = start(100, 0);
    ExecutorService writers = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 10; round++) {
        long revision = running.client(VIEWER).routes().getRevision();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Status.Code>> results = new ArrayList<>();
        for (String token : List.of(OPERATOR, OTHER_OPERATOR)) {
          AdminClient writer = running.client(token);
          results.add(
              writers.submit(
                  () -> {
                    go.await();
                    return code(
                        () -> writer.setWeights("digits", Map.of("canary", 1), revision, token));
                  }));
        }
        go.countDown();
        List<Status.Code> codes = new ArrayList<>();
        for (Future<Status.Code> result : results) {
          codes.add(result.get(20, TimeUnit.SECONDS));
        }
        assertThat(codes)
            .as("round %d", round)
            .containsExactlyInAnyOrder(Status.Code.OK, Status.Code.FAILED_PRECONDITION);
        assertThat(running.client(VIEWER).routes().getRevision()).isEqualTo(revision + 1);
      }
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void aRestartServesTheCommittedWeightsAndTheAuditLogRecordsEachChange() throws Exception {
    AdminPlane first = start(100, 0);
    AdminClient operator = first.client(OPERATOR);
    long revision = operator.routes().getRevision();
    operator.setWeights("digits", Map.of("stable", 10, "canary", 90), revision, "ramp to 90");
    first.stop();

    AdminPlane second = start(100, 0);

    GetRoutesResponse after = second.client(VIEWER).routes();
    assertThat(after.getRevision()).isEqualTo(revision + 1);
    assertThat(weights(after.getRoutes(0))).isEqualTo(Map.of("stable", 10, "canary", 90));
    assertThat(after.getRoutes(0).getWeightsFromApi()).isTrue();
    assertThat(weights(second.release().routes().route("digits")))
        .as("what the data path serves")
        .isEqualTo(Map.of("stable", 10, "canary", 90));
    List<String> lines = Files.readAllLines(auditLog());
    JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(last.get("identity").asText()).isEqualTo("alice");
    assertThat(last.get("model").asText()).isEqualTo("digits");
    assertThat(last.get("before").toString()).isEqualTo("{\"stable\":100,\"canary\":0}");
    assertThat(last.get("after").toString()).isEqualTo("{\"stable\":10,\"canary\":90}");
    assertThat(last.get("reason").asText()).isEqualTo("ramp to 90");
    assertThat(last.get("revision").asLong()).isEqualTo(revision + 1);
    assertThat(last.get("time").asText()).isNotBlank();
    assertThat(lines).as("the first start, then alice's change").hasSize(2);
    second.stop();

    // The file's own weights changed while the gateway was down: the file wins, audited.
    AdminPlane third = start(50, 50);
    GetRoutesResponse edited = third.client(VIEWER).routes();
    assertThat(weights(edited.getRoutes(0))).isEqualTo(Map.of("stable", 50, "canary", 50));
    assertThat(edited.getRoutes(0).getWeightsFromApi()).isFalse();
    assertThat(edited.getRevision()).isEqualTo(revision + 2);
    List<String> all = Files.readAllLines(auditLog());
    assertThat(new ObjectMapper().readTree(all.get(all.size() - 1)).get("identity").asText())
        .isEqualTo(ReleaseControl.CONFIG_FILE);
  }

  @Test
  void aReloadedFileKeepsTheApiWeightsUntilItsOwnWeightsChange() {
    AdminPlane running = start(100, 0);
    AdminClient operator = running.client(OPERATOR);
    long revision = operator.routes().getRevision();
    operator.setWeights("digits", Map.of("stable", 0, "canary", 100), revision, "all in");

    GatewayConfig same = config(100, 0);
    running.release().fileChanged(same.routes(), table -> running.gateway().reload(same, table));
    assertThat(weights(operator.routes().getRoutes(0)))
        .as("the file's weights did not change")
        .isEqualTo(Map.of("stable", 0, "canary", 100));
    assertThat(operator.routes().getRevision()).isEqualTo(revision + 1);

    GatewayConfig edited = config(70, 30);
    running
        .release()
        .fileChanged(edited.routes(), table -> running.gateway().reload(edited, table));
    GetRoutesResponse after = operator.routes();
    assertThat(weights(after.getRoutes(0))).isEqualTo(Map.of("stable", 70, "canary", 30));
    assertThat(after.getRoutes(0).getWeightsFromApi()).isFalse();
    assertThat(after.getRevision()).isEqualTo(revision + 2);
    int stableBefore = stable.calls();
    GatewayClient client = bed.client(running.gateway());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              client.infer("digits", Map.of());
              return stable.calls() > stableBefore;
            });
  }

  /** A gateway and its admin port on a file of {@code stable} and {@code canary} weights. */
  /** The audit log in the state directory that {@link AdminPlane#yaml} names. */
  private Path auditLog() {
    return dir.resolve("state").resolve(AuditLog.FILE);
  }

  private AdminPlane start(int stableWeight, int canaryWeight) {
    return AdminPlane.start(bed, config(stableWeight, canaryWeight));
  }

  private GatewayConfig config(int stableWeight, int canaryWeight) {
    return Configs.load(dir, AdminPlane.yaml(dir, stable, stableWeight, canary, canaryWeight));
  }
}
