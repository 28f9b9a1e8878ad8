package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.AdminCalls.code;
import static io.infergate.infer.gateway.admin.AdminCalls.failure;
import static io.infergate.infer.gateway.admin.AdminCalls.weights;
import static io.infergate.infer.gateway.testing.AdminPlane.OPERATOR;
import static io.infergate.infer.gateway.testing.AdminPlane.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
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
import io.infergate.infer.proto.admin.v1.AuditEntry;
import io.infergate.infer.proto.admin.v1.Gates;
import io.infergate.infer.proto.admin.v1.RampState.Phase;
import io.infergate.infer.proto.admin.v1.RouteState;
import io.infergate.infer.proto.admin.v1.StartRampRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ramps through a real gateway under load: steps taken while the gates hold, and a canary that
 * starts failing, slows down or is sent only bad input, judged in seconds by the gateway itself.
 */
class RampIT {
  private static final String MODEL = "digits";

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private final FakeBackend stable = bed.backend("stable");
  private final FakeBackend canary = bed.backend("canary");
  private AdminPlane plane;
  private AdminClient operator;
  private Load load;

  @BeforeEach
  void start() throws Exception {
    plane = AdminPlane.start(bed, config());
    operator = plane.client(OPERATOR);
  }

  @AfterEach
  void stopLoad() throws InterruptedException {
    if (load != null) {
      load.stop();
    }
  }

  @Test
  void aRampStepsThroughItsPlanWhileItsGatesHold() {
    load = Load.start(bed.client(plane.gateway()));

    operator.startRamp(ramp(List.of(10, 50, 100), seconds(3), gates(5, seconds(3))).build());

    await()
        .atMost(java.time.Duration.ofSeconds(40))
        .until(() -> route().getRamp().getPhase() == Phase.COMPLETED);
    assertThat(weights(route())).isEqualTo(Map.of("stable", 0, "canary", 100));
    List<AuditEntry> entries = operator.history(MODEL).getEntriesList();
    assertThat(entries)
        .extracting(AuditEntry::getAction)
        .endsWith("StartRamp", "ramp-step", "ramp-step", "ramp-complete");
    AuditEntry step = entries.get(entries.size() - 3);
    assertThat(step.getIdentity()).isEqualTo(ReleaseControl.GATEWAY);
    assertThat(step.getAfterMap()).isEqualTo(Map.of("stable", 50, "canary", 50));
    assertThat(step.getFiguresMap().get("canary_calls")).isGreaterThanOrEqualTo(5);
    assertThat(load.failures()).as("failed calls during the ramp").isEmpty();
  }

  @Test
  void aCanaryFailingHalfItsCallsIsRolledBackInSecondsAndItsStickyUsersReturnToStable() {
    load = Load.start(bed.client(plane.gateway()));
    operator.startRamp(ramp(List.of(50, 100), seconds(600), gates(20, seconds(10))).build());
    await().atMost(java.time.Duration.ofSeconds(20)).until(() -> load.servedBy("canary") > 100);
    List<String> canaryUsers = load.usersServedBy("canary");

    canary.behaveByDefault("half:fail:INTERNAL:boom");
    long broke = System.nanoTime();

    await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> route().getRamp().getPhase() == Phase.ROLLED_BACK);
    long tookMillis = (System.nanoTime() - broke) / 1_000_000;
    assertThat(weights(route())).isEqualTo(Map.of("stable", 100, "canary", 0));
    AuditEntry last = lastEntry();
    assertThat(last.getAction()).isEqualTo("gate-rollback");
    assertThat(last.getIdentity()).isEqualTo(ReleaseControl.GATEWAY);
    assertThat(last.getFiguresMap().get("canary_failure_rate")).isGreaterThan(0.05);
    assertThat(last.getReason()).contains("backend failure rate");
    assertThat(route().getRamp().getDetail()).isEqualTo(last.getReason());
    System.out.printf("rolled back %d ms after the canary began failing%n", tookMillis);
    GatewayClient client = bed.client(plane.gateway());
    for (String user : canaryUsers.subList(0, Math.min(20, canaryUsers.size()))) {
      assertThat(client.infer(MODEL, Map.of("x-user", user)).header("x-served-by"))
          .as("user %s, sticky to canary before", user)
          .isEqualTo("stable");
    }
  }

  @Test
  void aCanaryWhoseLatencyTriplesIsRolledBackInSeconds() {
    stable.behaveByDefault("delay:20");
    canary.behaveByDefault("delay:20");
    load = Load.start(bed.client(plane.gateway()));
    operator.startRamp(ramp(List.of(50, 100), seconds(600), gates(20, seconds(10))).build());
    await().atMost(java.time.Duration.ofSeconds(20)).until(() -> load.servedBy("canary") > 100);

    canary.behaveByDefault("delay:60");

    await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> route().getRamp().getPhase() == Phase.ROLLED_BACK);
    AuditEntry last = lastEntry();
    assertThat(last.getAction()).isEqualTo("gate-rollback");
    assertThat(last.getReason()).startsWith("p50 latency");
    assertThat(last.getFiguresMap().get("canary_p50_ms")).isGreaterThan(40.0);
    assertThat(load.failures()).isEmpty();
  }

  @Test
  void aCanarySentOnlyBadInputIsNotBlamedForIt() {
    canary.behaveByDefault("fail:INVALID_ARGUMENT:inputs[0]: bad shape");
    load = Load.start(bed.client(plane.gateway()));

    operator.startRamp(ramp(List.of(50, 100), seconds(3), gates(20, seconds(3))).build());

    // Caller errors are answers: the gates hold, and the ramp runs to its end.
    await()
        .atMost(java.time.Duration.ofSeconds(40))
        .until(() -> route().getRamp().getPhase() != Phase.RUNNING);
    assertThat(route().getRamp().getPhase()).isEqualTo(Phase.COMPLETED);
    assertThat(load.servedBy("canary")).isZero();
    assertThat(load.codes()).containsKey(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void operatorsPauseResumeAbortPromoteAndRollBackAndViewersCannot() {
    AdminClient viewer = plane.client(VIEWER);
    StartRampRequest.Builder plan = ramp(List.of(1, 100), seconds(600), gates(20, seconds(10)));

    assertThat(code(() -> viewer.startRamp(plan.setBasedOnRevision(revision()).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            failure(
                    () ->
                        operator.startRamp(
                            plan.clone()
                                .clearSteps()
                                .addAllSteps(List.of(5, 5))
                                .setBasedOnRevision(revision())
                                .build()))
                .getStatus()
                .getDescription())
        .isEqualTo("steps[1]: 5 (expected: rising, 6..100)");
    assertThat(
            failure(
                    () ->
                        operator.startRamp(
                            plan.clone().setCanary("blue").setBasedOnRevision(revision()).build()))
                .getStatus()
                .getDescription())
        .contains("canary: \"blue\" is not a variant of digits");

    RouteState started = operator.startRamp(plan.setBasedOnRevision(revision()).build()).getRoute();
    assertThat(started.getRamp().getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(weights(started)).isEqualTo(Map.of("stable", 99, "canary", 1));
    StatusRuntimeException busy =
        failure(() -> operator.setWeights(MODEL, Map.of("canary", 50), revision(), ""));
    assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(busy.getStatus().getDescription()).contains("has a ramp RUNNING");

    assertThat(operator.pauseRamp(MODEL, revision()).getRoute().getRamp().getPhase())
        .isEqualTo(Phase.PAUSED);
    assertThat(code(() -> operator.pauseRamp(MODEL, revision())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(operator.resumeRamp(MODEL, revision()).getRoute().getRamp().getPhase())
        .isEqualTo(Phase.RUNNING);
    RouteState aborted = operator.abortRamp(MODEL, revision()).getRoute();
    assertThat(aborted.getRamp().getPhase()).isEqualTo(Phase.ABORTED);
    assertThat(weights(aborted)).isEqualTo(Map.of("stable", 100, "canary", 0));
    assertThat(code(() -> operator.abortRamp(MODEL, revision())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);

    assertThat(weights(operator.promote(MODEL, "canary", revision()).getRoute()))
        .isEqualTo(Map.of("stable", 0, "canary", 100));
    assertThat(weights(operator.rollback(MODEL, "canary", revision()).getRoute()))
        .isEqualTo(Map.of("stable", 100, "canary", 0));
    assertThat(plane.client(VIEWER).history(MODEL).getEntriesList())
        .extracting(AuditEntry::getAction, AuditEntry::getIdentity)
        .endsWith(
            org.assertj.core.groups.Tuple.tuple("StartRamp", "alice"),
            org.assertj.core.groups.Tuple.tuple("PauseRamp", "alice"),
            org.assertj.core.groups.Tuple.tuple("ResumeRamp", "alice"),
            org.assertj.core.groups.Tuple.tuple("AbortRamp", "alice"),
            org.assertj.core.groups.Tuple.tuple("Promote", "alice"),
            org.assertj.core.groups.Tuple.tuple("Rollback", "alice"));
  }

  @Test
  void aRampInProgressSurvivesARestart() throws Exception {
    operator.startRamp(ramp(List.of(25, 100), seconds(600), gates(20, seconds(10))).build());
    plane.stop();

    AdminPlane restarted = AdminPlane.start(bed, config());

    RouteState route = restarted.client(VIEWER).routes().getRoutes(0);
    assertThat(route.getRamp().getPhase()).isEqualTo(Phase.RUNNING);
    assertThat(route.getRamp().getStepsList()).containsExactly(25, 100);
    assertThat(weights(route)).isEqualTo(Map.of("stable", 75, "canary", 25));
    assertThat(weights(restarted.release().routes().route(MODEL)))
        .isEqualTo(Map.of("stable", 75, "canary", 25));
  }

  private StartRampRequest.Builder ramp(List<Integer> steps, Duration hold, Gates gates) {
    return StartRampRequest.newBuilder()
        .setModel(MODEL)
        .setCanary("canary")
        .addAllSteps(steps)
        .setHold(hold)
        .setGates(gates)
        .setBasedOnRevision(revision())
        .setReason("test ramp");
  }

  private static Gates gates(int minCalls, Duration window) {
    return Gates.newBuilder().setMinCalls(minCalls).setWindow(window).build();
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  private long revision() {
    return operator.routes().getRevision();
  }

  private RouteState route() {
    return operator.routes().getRoutes(0);
  }

  private AuditEntry lastEntry() {
    List<AuditEntry> entries = operator.history(MODEL).getEntriesList();
    return entries.get(entries.size() - 1);
  }

  private GatewayConfig config() {
    return Configs.load(dir, AdminPlane.yaml(dir, stable, 100, canary, 0, "stickyHeader: x-user"));
  }

  /**
   * Calls from two threads, each a few hundred a second, as users 0..999 in turn (the sticky key):
   * who served which user, and every call that failed other than with INVALID_ARGUMENT.
   */
  private static final class Load {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
    private final Map<String, String> lastServerOfUser = new ConcurrentHashMap<>();
    private final Map<Status.Code, AtomicLong> codes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Reply> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads;

    private Load(GatewayClient client) {
      threads =
          List.of(new Thread(() -> run(client), "load-0"), new Thread(() -> run(client), "load-1"));
      threads.forEach(Thread::start);
    }

    static Load start(GatewayClient client) {
      return new Load(client);
    }

    private void run(GatewayClient client) {
      while (running.get()) {
        String user = "user-" + (sent.getAndIncrement() % 1000);
        Reply reply = client.infer(MODEL, Map.of("x-user", user));
        codes.computeIfAbsent(reply.code(), code -> new AtomicLong()).incrementAndGet();
        String server = reply.header("x-served-by");
        if (server != null) {
          servedBy.computeIfAbsent(server, name -> new AtomicLong()).incrementAndGet();
          lastServerOfUser.put(user, server);
        }
        if (!reply.isOk() && reply.code() != Status.Code.INVALID_ARGUMENT) {
          failures.add(reply);
        }
        try {
          // Pacing, not timing: keeps the load steady on a small machine.
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long servedBy(String server) {
      AtomicLong count = servedBy.get(server);
      return count == null ? 0 : count.get();
    }

    List<String> usersServedBy(String server) {
      return lastServerOfUser.entrySet().stream()
          .filter(entry -> entry.getValue().equals(server))
          .map(Map.Entry::getKey)
          .toList();
    }

    Map<Status.Code, AtomicLong> codes() {
      return codes;
    }

    List<Reply> failures() {
      return List.copyOf(failures);
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(20_000);
      }
    }
  }
}
