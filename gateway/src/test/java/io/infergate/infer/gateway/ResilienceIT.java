package io.infergate.infer.gateway;

import static io.infergate.infer.observability.testing.StandardServiceCalls.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import io.infergate.infer.router.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gateway's resilience over Netty on loopback sockets, where it rests on what only sockets do:
 * ports that refuse connections, a model server restarted on its port, channels that fail and
 * reconnect, deadlines that run out on the wire. Routes set small windows, open times and ejection
 * times, so that breakers open and close within a second or two.
 */
class ResilienceIT extends OneGatewayTest {
  ResilienceIT() {
    super(Transport.loopback());
  }

  @Test
  void aClosedCanarysShareGoesToStableWithoutAFailedCallAndTheCanaryServesAgainOnceRestarted()
      throws Exception {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    start(
        Routes.split(
            "digits",
            stable,
            90,
            canary,
            10,
            "breaker: {window: 2s, minimumCalls: 3, openFor: 500ms, halfOpenCalls: 2, maxHalfOpen: 2s}",
            "outlier: {consecutiveFailures: 3, baseEjectionTime: 200ms, maxEjectionTime: 500ms}"));
    await()
        .atMost(PATIENCE)
        .until(() -> "canary".equals(client.infer("digits", Map.of()).variant()));
    Endpoint canaryAt = canary.endpoint();
    canary.close();

    List<Reply> replies = client.infer(500, "digits", Map.of());

    assertThat(failures(replies)).isEmpty();
    assertThat(replies).extracting(Reply::variant).containsOnly("stable");
    List<String> fallbacks = fallbacks(replies);
    // The canary's share, 99.9% interval of Binomial(500, 0.1): 50 ± 3.29·sqrt(500·0.1·0.9).
    assertThat((double) fallbacks.size()).isBetween(28.0, 72.0);
    assertThat(fallbacks)
        .allMatch(value -> value.matches("(no_endpoint|unavailable|circuit_open);from=canary"));
    assertThat(fallbacks).as("the canary's breaker opened").contains("circuit_open;from=canary");

    bed.register(bed.transport().backendAt("canary", canaryAt));

    // Half-open after openFor; trial calls pass once the channel has reconnected, which closes it:
    // then the canary takes its share again and nothing falls back.
    List<Reply> recovering = new ArrayList<>();
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              List<Reply> batch = client.infer(200, "digits", Map.of());
              recovering.addAll(batch);
              return batch.stream().anyMatch(reply -> "canary".equals(reply.variant()))
                  && fallbacks(batch).isEmpty();
            });
    assertThat(failures(recovering)).isEmpty();
  }

  @ParameterizedTest(name = "{0} endpoint, {1}")
  @CsvSource({
    "closed, round_robin",
    "closed, least_outstanding",
    "failing, round_robin",
    "failing, least_outstanding"
  })
  void oneBadEndpointOfTwoFailsNoneOfSixteenConcurrentCallers(String kind, String balance)
      throws Exception {
    FakeBackend live = bed.backend("live");
    Endpoint bad;
    FakeBackend failing = null;
    if (kind.equals("closed")) {
      bad = bed.transport().unreachable();
    } else {
      // Accepts connections, then answers every call UNAVAILABLE without headers: only retries
      // and ejection keep its calls from failing, since its channel stays ready.
      failing = bed.backend("failing");
      failing.behaveByDefault("fail:UNAVAILABLE:not loaded");
      bad = failing.endpoint();
    }
    start(
        """
          - model: pair
            variants:
              - {name: pair, weight: 1, endpoints: ["%s", "%s"], balance: %s}
            outlier: {consecutiveFailures: 2, baseEjectionTime: 10s, maxEjectionTime: 10s}
        """
            .formatted(bad, live.endpoint(), balance));
    int callers = 16;
    int callsEach = 50;

    List<Reply> replies = inParallel(callers, () -> client.infer(callsEach, "pair", Map.of()));

    assertThat(failures(replies)).isEmpty();
    assertThat(live.calls()).isEqualTo(callers * callsEach);
    if (failing != null) {
      assertThat(failing.calls())
          .as("the failing endpoint was tried, then ejected")
          .isBetween(2, 40);
    }
  }

  @Test
  void aStalledCanaryFailsOnlyTheCallsItsBreakerNeedsThenStableServesItsShare() {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    canary.behaveByDefault("stall");
    int minimumCalls = 4;
    start(
        """
          - model: digits
            variants:
              - {name: stable, weight: 50, endpoints: ["%s"]}
              - {name: canary, weight: 50, endpoints: ["%s"]}
            breaker: {window: 10s, minimumCalls: %d, failureRate: 50, openFor: 1m}
        """
            .formatted(stable.endpoint(), canary.endpoint(), minimumCalls));

    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // A second: the canary's stalls end at the deadline, and stable's answers must not, even
      // on a loaded machine (at 200 ms, stable calls ran out of time there too).
      replies.add(
          client.unary(
              Requests.MODEL_INFER,
              Requests.oip("digits", ""),
              Map.of(),
              CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS)));
    }

    List<Status> failed = failures(replies);
    assertThat(failed).extracting(Status::getCode).containsOnly(Status.Code.DEADLINE_EXCEEDED);
    // The breaker sees each failure as its call ends, which may be just after the caller's own
    // deadline has let it send the next one.
    assertThat(failed).hasSizeBetween(minimumCalls, minimumCalls + 2);
    int lastFailure = lastIndexOf(replies, reply -> !reply.isOk());
    List<Reply> after = replies.subList(lastFailure + 1, replies.size());
    assertThat(after).hasSizeGreaterThan(150);
    assertThat(after).extracting(Reply::variant).containsOnly("stable");
    assertThat(fallbacks(after)).hasSizeGreaterThan(40).containsOnly("circuit_open;from=canary");
  }

  @Test
  void whenEveryVariantFailsRetriesStayWithinTheBudget() {
    List<FakeBackend> down =
        startAllDown(
            """
                breaker: {minimumCalls: 1000000}
                outlier: {consecutiveFailures: 1000}
                retry: {maxAttempts: 4, budgetRatio: 0.2, minRetriesPerSecond: 10}
            """);
    int calls = 500;

    long startNanos = System.nanoTime();
    List<Reply> replies = client.infer(calls, "down", Map.of());
    long seconds = (System.nanoTime() - startNanos + 999_999_999L) / 1_000_000_000L;

    assertThat(replies)
        .extracting(reply -> reply.status().getCode())
        .containsOnly(Status.Code.UNAVAILABLE);
    int attempts = down.stream().mapToInt(FakeBackend::calls).sum();
    // Without a budget each call would make 4 attempts. With it, retries are at most the budget's
    // start (minRetriesPerSecond), plus budgetRatio per call, plus minRetriesPerSecond per second.
    assertThat(attempts).isLessThanOrEqualTo((int) (calls * 1.2 + 10 + 10 * seconds));
    assertThat(attempts).as("retries were made").isGreaterThan((int) (calls * 1.1));
  }

  @Test
  void whenEveryVariantIsDownCallsFailFastAsNoHealthyBackendWithinTheRetryBudget() {
    List<FakeBackend> down =
        startAllDown(
            """
                breaker: {window: 10s, minimumCalls: 3, openFor: 1m}
            """);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                Objects.requireNonNullElse(
                        client.infer("down", Map.of()).status().getDescription(), "")
                    .matches(
                        "no healthy backend for model 'down' \\(. circuit_open, . circuit_open.*"));
    int attempts = down.stream().mapToInt(FakeBackend::calls).sum();

    long[] nanos = new long[200];
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      replies.add(client.infer("down", Map.of()));
      nanos[i] = System.nanoTime() - start;
    }

    assertThat(replies)
        .allSatisfy(
            reply -> {
              assertThat(reply.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(reply.status().getDescription())
                  .startsWith("no healthy backend for model 'down' (");
            });
    // With every breaker open the route routes past them (panic): calls still reach the failing
    // backends, but retries stay within the budget.
    assertThat(down.stream().mapToInt(FakeBackend::calls).sum() - attempts)
        .as("attempts")
        .isLessThanOrEqualTo((int) (nanos.length * 1.2) + 10 + 10 * 5);
    Arrays.sort(nanos);
    assertThat(Duration.ofNanos(nanos[nanos.length / 2])).isLessThan(Duration.ofMillis(20));
    assertThat(Duration.ofNanos(nanos[nanos.length * 95 / 100])).isLessThan(Duration.ofMillis(100));
  }

  @Test
  void aModelWhoseEndpointsAreAllDownIsNotServingAndServesAgainOnceOneIsBack() throws Exception {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    start(Routes.split("digits", stable, 90, canary, 10));
    await()
        .atMost(PATIENCE)
        .until(() -> health(client.channel(), "digits") == ServingStatus.SERVING && serverReady());
    Endpoint stableAt = stable.endpoint();

    stable.close();
    await()
        .during(Duration.ofSeconds(1))
        .atMost(PATIENCE)
        .until(() -> health(client.channel(), "digits") == ServingStatus.SERVING);
    canary.close();

    // A single model: with it, the gateway as a whole is not ready either.
    await().atMost(PATIENCE).until(() -> digitsAndGatewayAre(ServingStatus.NOT_SERVING));

    bed.register(bed.transport().backendAt("stable", stableAt));

    await().atMost(PATIENCE).until(() -> digitsAndGatewayAre(ServingStatus.SERVING));
    assertThat(client.infer("digits", Map.of("x-variant-override", "stable")).isOk()).isTrue();
  }

  /** Backends that answer every call UNAVAILABLE without headers: never reached a model. */
  /**
   * Starts route {@code down}: variants {@code a} and {@code b} on two failing backends each, with
   * {@code settings} (the route's YAML lines, indented).
   */
  private List<FakeBackend> startAllDown(String settings) {
    List<FakeBackend> down = failingBackends("a1", "a2", "b1", "b2");
    start(
        """
          - model: down
            variants:
              - {name: a, weight: 1, endpoints: ["%s", "%s"]}
              - {name: b, weight: 1, endpoints: ["%s", "%s"]}
        """
                .formatted(endpoints(down))
            + settings);
    return down;
  }

  private List<FakeBackend> failingBackends(String... names) {
    List<FakeBackend> backends = new ArrayList<>();
    for (String name : names) {
      FakeBackend backend = bed.backend(name);
      backend.behaveByDefault("fail:UNAVAILABLE:model not loaded");
      backends.add(backend);
    }
    return backends;
  }

  private static Object[] endpoints(List<FakeBackend> backends) {
    return backends.stream().map(FakeBackend::endpoint).toArray();
  }

  private static List<Reply> inParallel(int callers, Callable<List<Reply>> each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<List<Reply>>> running =
          IntStream.range(0, callers).mapToObj(i -> pool.submit(each)).toList();
      List<Reply> all = new ArrayList<>();
      for (Future<List<Reply>> caller : running) {
        all.addAll(caller.get(60, TimeUnit.SECONDS));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Whether model {@code digits} and the gateway as a whole report {@code status} through gRPC
   * health, and the OIP ServerReady agrees.
   */
  private boolean digitsAndGatewayAre(ServingStatus status) {
    return health(client.channel(), "digits") == status
        && health(client.channel(), "") == status
        && serverReady() == (status == ServingStatus.SERVING);
  }

  private boolean serverReady() {
    return GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .serverReady(ServerReadyRequest.getDefaultInstance())
        .getReady();
  }

  private static List<Status> failures(List<Reply> replies) {
    return replies.stream().filter(reply -> !reply.isOk()).map(Reply::status).toList();
  }

  private static List<String> fallbacks(List<Reply> replies) {
    return replies.stream()
        .map(reply -> reply.header("x-fallback"))
        .filter(Objects::nonNull)
        .toList();
  }

  private static int lastIndexOf(List<Reply> replies, Predicate<Reply> test) {
    for (int i = replies.size() - 1; i >= 0; i--) {
      if (test.test(replies.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
