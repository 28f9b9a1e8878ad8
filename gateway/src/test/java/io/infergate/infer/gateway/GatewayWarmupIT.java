package io.infergate.infer.gateway;

import static io.infergate.infer.observability.testing.StandardServiceCalls.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.admin.LiveVariants;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.InMemoryMetrics;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.release.Gates;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway warms its forwarding path through itself to each route's model servers before its
 * port opens, and never lets backends that are down or stalled hold SERVING back for long.
 */
class GatewayWarmupIT {
  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  /** The longest window release control's gates read: it covers the whole warm-up. */
  private static final Duration WINDOW = Gates.MAX_WINDOW;

  private final Transport transport = Transport.loopback();

  @Test
  void forwardsWarmUpCallsOfBothApisToEveryRouteBeforeItsPortOpens() throws Exception {
    FakeBackend stable = cleanup.register(transport.backend("stable"));
    FakeBackend other = cleanup.register(transport.backend("other"));

    Gateway gateway =
        start(
            "{minCalls: 300, concurrency: 4}",
            routes("m", stable.endpoint(), "n", other.endpoint()));

    Warmup.Report warmup = gateway.warmup();
    assertThat(warmup.calls()).isGreaterThanOrEqualTo(300);
    assertThat(warmup.failed()).isZero();
    assertThat(warmup.stopped()).isIn("settled", "budget of 20s spent");
    // Every call reached a backend before the gateway's port opened (nothing else called).
    assertThat(stable.calls() + other.calls()).isEqualTo((int) warmup.calls() + 2);
    List<String> methods =
        stable.received().stream().map(FakeBackend.Received::method).distinct().toList();
    assertThat(methods)
        .contains(
            "inference.GRPCInferenceService/ModelMetadata",
            "inference.GRPCInferenceService/ModelInfer",
            "tensorflow.serving.PredictionService/GetModelMetadata");
    assertThat(other.calls()).isPositive();
    assertThat(health(channel(gateway), "")).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void waitsForModelServersThatComeUpAfterItAndWarmsThePathToThem() throws Exception {
    Endpoint later = transport.unreachable();
    CompletableFuture<Gateway> starting =
        CompletableFuture.supplyAsync(
            () ->
                Gateway.start(
                    Configs.load(
                        dir, Configs.LOOPBACK + "warmup: {minCalls: 100}\n" + routes("m", later))));
    // The gateway is still waiting for its model server when it comes.
    await().pollDelay(Duration.ofMillis(500)).until(() -> !starting.isDone());
    FakeBackend late = cleanup.register(transport.backendAt("late", later));

    Gateway gateway = cleanup.register(starting.get(30, TimeUnit.SECONDS));

    assertThat(gateway.warmup().calls()).isGreaterThanOrEqualTo(100);
    assertThat(gateway.warmup().failed()).isZero();
    // The warm-up calls and the metadata read, all before the gateway's port opened.
    assertThat(late.calls()).isEqualTo((int) gateway.warmup().calls() + 1);
  }

  @Test
  void becomesServingAfterTheBudgetWhenNoBackendCanBeReachedAndFollowsThemWhenTheyCome()
      throws Exception {
    Endpoint nowhere = transport.unreachable();
    long started = System.nanoTime();

    Gateway gateway = start("{maxDuration: 2s}", routes("m", nowhere));

    // Two seconds waiting for the model server, then a warm-up that gives up at once.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(gateway.warmup().stopped()).endsWith("calls in a row failed");
    assertThat(gateway.warmup().settled()).isFalse();
    ManagedChannel channel = channel(gateway);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health(channel, "m") == ServingStatus.NOT_SERVING);
    FakeBackend late = cleanup.register(transport.backendAt("late", nowhere));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health(channel, "m") == ServingStatus.SERVING);
    assertThat(late.calls()).isZero();
  }

  @Test
  void aBackendThatNeverAnswersCostsAFewCallTimeoutsNotTheBudget() throws Exception {
    FakeBackend stalled = cleanup.register(transport.backend("stalled"));
    stalled.behaveByDefault("stall");
    long started = System.nanoTime();

    Gateway gateway = start("{maxDuration: 60s, concurrency: 2}", routes("m", stalled.endpoint()));

    // Three waves of two calls, each given up after 2 s, and the metadata read's 5 s.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(gateway.warmup().stopped()).isEqualTo("6 calls in a row failed");
    // The port is open and the process live; that the stalled endpoint's timeouts ejected it, so
    // that its model reads NOT_SERVING, is the gateway telling the truth about it.
    assertThat(health(channel(gateway), "liveness")).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void makesNoCallWhenWarmUpIsOff() throws Exception {
    FakeBackend stable = cleanup.register(transport.backend("stable"));

    Gateway gateway = start("{enabled: false}", routes("m", stable.endpoint()));

    assertThat(gateway.warmup().calls()).isZero();
    assertThat(stable.calls()).isZero();
  }

  @Test
  void keepsItsWarmUpCallsOutOfCallMetricsBreakersAndReleaseWindows() throws Exception {
    FakeBackend stable = cleanup.register(transport.backend("stable"));
    // Every second warm-up call fails: enough to open this breaker many times over, were it told.
    stable.behaveByDefault("half:fail:INTERNAL:cold");
    try (InMemoryMetrics metrics = new InMemoryMetrics()) {
      Gateway gateway =
          start(
              "{minCalls: 200, concurrency: 2}",
              "routes: [{model: m, variants: [{name: stable, weight: 1, endpoints: [\""
                  + stable.endpoint()
                  + "\"]}], breaker: {minimumCalls: 4, failureRate: 40, openFor: 1m}}]\n",
              metrics.openTelemetry());

      Warmup.Report warmup = gateway.warmup();
      assertThat(warmup.calls()).isGreaterThanOrEqualTo(200);
      assertThat(warmup.failed()).isPositive();
      assertThat(gatewayCalls(metrics)).isZero();
      LiveVariants.LiveVariant seen = gateway.liveVariants().of("m", "stable", WINDOW);
      assertThat(seen.breaker()).isEqualTo("CLOSED");

      // A caller's call is counted by each, and is the only call they counted.
      stable.behaveByDefault(null);
      GatewayClient client = new GatewayClient(channel(gateway));
      assertThat(client.infer("m", Map.of()).status().isOk()).isTrue();
      assertThat(gatewayCalls(metrics)).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gateway.liveVariants().of("m", "stable", WINDOW).figures().calls() > 0);
      assertThat(gateway.liveVariants().of("m", "stable", WINDOW).figures().calls()).isEqualTo(1);
    }
  }

  /** Calls the gateway counted in {@code infergate.gateway.calls}, of every outcome. */
  private static long gatewayCalls(InMemoryMetrics metrics) {
    return metrics.collect().stream()
        .filter(metric -> metric.getName().equals("infergate.gateway.calls"))
        .flatMap(metric -> metric.getLongSumData().getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  /** A gateway on loopback with {@code warmup} settings (a YAML map) and {@code routes}. */
  private Gateway start(String warmup, String routes) {
    return start(warmup, routes, OpenTelemetry.noop());
  }

  private Gateway start(String warmup, String routes, OpenTelemetry telemetry) {
    return cleanup.register(
        Gateway.start(
            Configs.load(dir, Configs.LOOPBACK + "warmup: " + warmup + "\n" + routes), telemetry));
  }

  private ManagedChannel channel(Gateway gateway) {
    return cleanup.register(
        NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build());
  }

  private static String routes(String model, Endpoint endpoint) {
    return "routes: [" + route(model, endpoint) + "]\n";
  }

  private static String routes(String model, Endpoint endpoint, String other, Endpoint second) {
    return "routes: [" + route(model, endpoint) + ", " + route(other, second) + "]\n";
  }

  private static String route(String model, Endpoint endpoint) {
    return "{model: "
        + model
        + ", variants: [{name: stable, weight: 1, endpoints: [\""
        + endpoint
        + "\"]}]}";
  }
}
