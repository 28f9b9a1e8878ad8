package io.infergate.infer.gateway;

import static io.infergate.infer.gateway.testing.GatewayClient.withHeader;
import static io.infergate.infer.observability.testing.StandardServiceCalls.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Pending;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GatewayClient.Timed;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The gateway's resilience where no socket is needed: admission and its pushback, the deadlines a
 * route sets, what a call holds and gives back however it ends, retries and the server's pushback,
 * which answers count against a backend, and breaker state across reloads. In one process, so that
 * each runs in milliseconds; {@link ResilienceIT} covers what rests on real sockets.
 */
class InProcessResilienceTest extends OneGatewayTest {
  private static final Metadata.Key<String> PUSHBACK =
      GatewayClient.header("grpc-retry-pushback-ms");
  private static final Metadata.Key<String> X_FALLBACK = GatewayClient.header("x-fallback");
  private static final String STALL = "stall";

  /** Policies that would trip at a backend's first failures, were those failures counted. */
  private static final String[] TRIP_AT_ONCE = {
    "breaker: {window: 10s, minimumCalls: 5, failureRate: 50, openFor: 1m}",
    "outlier: {consecutiveFailures: 1, baseEjectionTime: 1m, maxEjectionTime: 1m}"
  };

  InProcessResilienceTest() {
    super(Transport.inProcess());
  }

  @Test
  void aThousandCallerErrorsOpenNoBreakerAndEjectNoEndpoint() {
    FakeBackend solo = bed.backend("solo");
    FakeBackend control = bed.backend("control", "fail:INTERNAL:broken");
    // The same policies on both: they trip at the first failures a backend is to blame for.
    start(Routes.sole("solo", solo, TRIP_AT_ONCE) + Routes.sole("control", control, TRIP_AT_ONCE));

    List<Reply> invalid = client.infer(1000, "solo", Map.of("x-fake", "fail:INVALID_ARGUMENT:bad"));
    Reply after = client.infer("solo", Map.of());

    assertThat(invalid)
        .allSatisfy(
            reply -> {
              assertThat(reply.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(reply.status().getDescription()).isEqualTo("bad");
              assertThat(reply.variant()).isEqualTo("solo");
              assertThat(reply.trailers().get(X_FALLBACK)).isNull();
            });
    assertAnswered(after, "solo", null);
    assertThat(solo.calls()).isEqualTo(1001);
    // Health is published every 500 ms: it stays SERVING over several publications.
    await()
        .during(Duration.ofMillis(1200))
        .atMost(PATIENCE)
        .until(() -> health(client.channel(), "solo") == ServingStatus.SERVING);

    List<Reply> broken = client.infer(10, "control", Map.of());
    assertThat(broken.get(0).status().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(broken.get(9).status().getDescription())
        .startsWith("no healthy backend for model 'control'");
    assertThat(control.calls()).as("ejected after its first failure").isEqualTo(1);
    await()
        .atMost(PATIENCE)
        .until(() -> health(client.channel(), "control") == ServingStatus.NOT_SERVING);
  }

  @Test
  void aRouteAtItsMaxInFlightShedsTheNextCallWithPushbackAndAdmitsAgainOnceCallsEnd() {
    FakeBackend stalled = bed.backend("stalled", STALL);
    start(
        """
          - model: limited
            variants:
              - {name: only, weight: 1, endpoints: ["%s"]}
            limits: {maxInFlight: 4, pushback: 250ms}
        """
            .formatted(stalled.endpoint()));
    List<Pending> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(client.open("limited", Map.of(), CallOptions.DEFAULT, true));
    }
    await().atMost(PATIENCE).until(() -> stalled.calls() == 4);
    assertThat(gateway.inFlight("limited")).isEqualTo(4);

    Reply shed = client.infer("limited", Map.of());

    assertThat(shed.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(shed.status().getDescription()).contains("has 4 calls in flight, its limit");
    assertThat(shed.trailers().get(PUSHBACK)).isEqualTo("250");
    assertThat(stalled.calls()).isEqualTo(4);

    held.forEach(Pending::cancel);
    awaitIdle("limited");
    stalled.behaveByDefault(null);
    assertThat(client.infer("limited", Map.of()).isOk()).isTrue();
  }

  @Test
  void whenEveryVariantIsAtItsMaxInFlightTheCallIsShedWithPushback() {
    FakeBackend a = bed.backend("a", STALL);
    FakeBackend b = bed.backend("b", STALL);
    start(Routes.split("split", a, 1, b, 1, "limits: {maxInFlightPerVariant: 1, pushback: 300ms}"));
    // Whichever variant the second call picks, a full one is skipped for the other.
    List<Pending> held =
        List.of(
            client.open("split", Map.of(), CallOptions.DEFAULT, true),
            client.open("split", Map.of(), CallOptions.DEFAULT, true));
    await().atMost(PATIENCE).until(() -> a.calls() == 1 && b.calls() == 1);

    Reply shed = client.infer("split", Map.of());

    assertThat(shed.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(shed.status().getDescription())
        .startsWith("every variant of model 'split' is at its limit of calls in flight");
    assertThat(shed.trailers().get(PUSHBACK)).isEqualTo("300");

    held.forEach(Pending::cancel);
    awaitIdle("split");
    a.behaveByDefault(null);
    b.behaveByDefault(null);
    assertThat(client.infer("split", Map.of()).isOk()).isTrue();
  }

  @Test
  void aCallWithoutADeadlineGetsTheRoutesDefaultAndALongerOneIsCutToTheMax() throws Exception {
    FakeBackend stable = bed.backend("stable");
    start(Routes.sole("timed", stable, "deadline: {default: 2s, max: 4s}"));

    assertThat(inferWith(CallOptions.DEFAULT).isOk()).isTrue();
    assertThat(stable.received().poll(5, TimeUnit.SECONDS).deadlineMillis())
        .isBetween(1000L, 2000L);

    assertThat(inferWith(CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)).isOk())
        .isTrue();
    assertThat(stable.received().poll(5, TimeUnit.SECONDS).deadlineMillis())
        .isBetween(3000L, 4000L);

    assertThat(inferWith(CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS)).isOk())
        .isTrue();
    assertThat(stable.received().poll(5, TimeUnit.SECONDS).deadlineMillis()).isBetween(1L, 1000L);
  }

  @Test
  void aCallEndsAtTheRoutesDeadlineWhetherTheBackendStallsOrTheRequestIsNeverComplete()
      throws Exception {
    FakeBackend stable = bed.backend("stable");
    start(Routes.sole("timed", stable, "deadline: {default: 300ms, max: 1s}"));

    Timed stalled =
        client.open("timed", Map.of("x-fake", STALL), CallOptions.DEFAULT, true).timed();
    assertThat(stalled.reply().status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(stalled.took()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    assertThat(stable.cancellations().poll(5, TimeUnit.SECONDS))
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");

    // A request that never half-closes is forwarded from its first message, and the route's
    // deadline, carried by the attempt, ends it there too.
    Timed incomplete = client.open("timed", Map.of(), CallOptions.DEFAULT, false).timed();
    assertThat(incomplete.reply().status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(incomplete.took()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));

    Timed capped =
        client
            .open(
                "timed",
                Map.of(),
                CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
                false)
            .timed();
    assertThat(capped.reply().status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(capped.took()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
    assertThat(stable.calls()).as("each of the three reached the model server").isEqualTo(3);
  }

  @Test
  void everyWayACallEndsGivesBackItsPlaceInTheRouteAndItsVariant() throws Exception {
    FakeBackend a = bed.backend("a");
    FakeBackend b = bed.backend("b");
    start(
        """
          - model: counted
            overrideHeader: x-variant-override
            overrideAllow: {anyCaller: true}
            variants:
              - {name: a, weight: 1, endpoints: ["%s"]}
              - {name: b, weight: 1, endpoints: ["%s"]}
              - {name: c, weight: 0, endpoints: ["%1$s"]}
            deadline: {default: 300ms, max: 10s}
            limits: {maxInFlight: 3, maxInFlightPerVariant: 1}
            breaker: {minimumCalls: 1000000}
            outlier: {consecutiveFailures: 1000}
          - model: gone
            variants:
              - {name: gone, weight: 1, endpoints: ["%s"]}
        """
            .formatted(a.endpoint(), b.endpoint(), bed.transport().unreachable()));
    Map<String, String> onA = Map.of("x-variant-override", "a");
    CallOptions tenSeconds = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);

    assertThat(client.infer("counted", onA).isOk()).isTrue();
    awaitIdle("counted");

    assertThat(client.infer("counted", withHeader(onA, "x-fake", "fail:INTERNAL:boom")).code())
        .isEqualTo(Status.Code.INTERNAL);
    awaitIdle("counted");

    // Never reached a model: retried on b, which fails the same way.
    assertThat(client.infer("counted", Map.of("x-fake", "fail:UNAVAILABLE:down")).code())
        .isEqualTo(Status.Code.UNAVAILABLE);
    awaitIdle("counted");

    Pending cancelled = client.open("counted", withHeader(onA, "x-fake", STALL), tenSeconds, true);
    await().atMost(PATIENCE).until(() -> gateway.inFlight("counted") == 1);
    cancelled.cancel();
    assertThat(cancelled.recorder().await().code()).isEqualTo(Status.Code.CANCELLED);
    awaitIdle("counted");

    Reply callersDeadline = inferWithin("counted", withHeader(onA, "x-fake", STALL), 100);
    assertThat(callersDeadline.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    awaitIdle("counted");

    Reply routesDeadline =
        client.unary(
            Requests.MODEL_INFER,
            Requests.oip("counted", ""),
            withHeader(onA, "x-fake", STALL),
            CallOptions.DEFAULT);
    assertThat(routesDeadline.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    awaitIdle("counted");

    Pending incomplete = client.open("counted", onA, CallOptions.DEFAULT, false);
    assertThat(incomplete.recorder().await().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    awaitIdle("counted");

    // Cancelled while its retry waits out the model server's pushback.
    int reachedA = a.calls();
    Pending waiting =
        client.open(
            "counted",
            Map.of(
                "x-variant-override", "a",
                "x-fake", "fail:UNAVAILABLE:busy",
                "x-fake-pushback", "1000"),
            tenSeconds,
            true);
    await().atMost(PATIENCE).until(() -> a.calls() > reachedA);
    waiting.cancel();
    awaitIdle("counted");

    // Both variants full, then the route full: each refused call leaves the count as it was.
    List<Pending> held =
        List.of(
            client.open("counted", withHeader(onA, "x-fake", STALL), tenSeconds, true),
            client.open(
                "counted", Map.of("x-variant-override", "b", "x-fake", STALL), tenSeconds, true));
    await().atMost(PATIENCE).until(() -> gateway.inFlight("counted") == 2);
    Reply variantsFull = client.infer("counted", onA);
    assertThat(variantsFull.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(variantsFull.status().getDescription()).startsWith("every variant");
    assertThat(gateway.inFlight("counted")).isEqualTo(2);
    // c takes no traffic by weight, so it was not among the variants to fall back to; by name it
    // takes the route's third place.
    Pending third =
        client.open(
            "counted", Map.of("x-variant-override", "c", "x-fake", STALL), tenSeconds, true);
    await().atMost(PATIENCE).until(() -> gateway.inFlight("counted") == 3);
    Reply routeFull = client.infer("counted", onA);
    assertThat(routeFull.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(routeFull.status().getDescription()).contains("its limit");
    assertThat(gateway.inFlight("counted")).isEqualTo(3);
    held.forEach(Pending::cancel);
    third.cancel();
    awaitIdle("counted");

    assertThat(client.infer("gone", Map.of()).status().getDescription())
        .startsWith("no healthy backend for model 'gone'");
    awaitIdle("gone");

    // Each variant's one place was given back too: neither is skipped as full.
    for (String variant : List.of("a", "b")) {
      assertAnswered(client.infer("counted", Map.of("x-variant-override", variant)), variant, null);
    }
  }

  @Test
  void anEndpointWhoseCallsItsSiblingServesOnRetryIsEjectedWithoutOpeningTheVariantsBreaker() {
    FakeBackend failing = bed.backend("failing", "fail:UNAVAILABLE:model not loaded");
    FakeBackend live = bed.backend("live");
    start(
        Routes.spread(
            "pair",
            List.of(failing, live),
            "breaker: {window: 10s, minimumCalls: 4, failureRate: 25, openFor: 1m}",
            "outlier: {consecutiveFailures: 3, baseEjectionTime: 1m, maxEjectionTime: 1m}"));

    List<Reply> replies = client.infer(40, "pair", Map.of());

    // Half the first attempts failed until the ejection: had the variant's breaker counted them,
    // it would have opened, and with no other variant every later call would have failed.
    assertThat(replies)
        .allSatisfy(reply -> assertThat(reply.isOk()).as("%s", reply.status()).isTrue());
    assertThat(failing.calls()).as("tried until ejected").isEqualTo(3);
    assertThat(live.calls()).isEqualTo(40);
  }

  @Test
  void aRetryWaitsForTheServersPushbackAndANegativePushbackForbidsIt() {
    FakeBackend first = bed.backend("first");
    FakeBackend second = bed.backend("second");
    start(Routes.spread("pushy", List.of(first, second), Routes.NEVER_TRIPS));
    Map<String, String> busy = Map.of("x-fake", "fail:UNAVAILABLE:busy");

    assertThat(attempts(first, second, () -> client.infer("pushy", busy)))
        .as("without pushback, retried on the other endpoint")
        .isEqualTo(2);
    assertThat(
            attempts(
                first,
                second,
                () -> client.infer("pushy", withHeader(busy, "x-fake-pushback", "-1"))))
        .as("a negative pushback: not retried")
        .isEqualTo(1);
    assertThat(
            attempts(
                first,
                second,
                () -> inferWithin("pushy", withHeader(busy, "x-fake-pushback", "5000"), 1000)))
        .as("a pushback past the deadline: not retried")
        .isEqualTo(1);

    Timed delayed =
        client
            .open("pushy", withHeader(busy, "x-fake-pushback", "400"), CallOptions.DEFAULT, true)
            .timed();
    assertThat(delayed.reply().code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(delayed.took()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(first.calls() + second.calls()).isEqualTo(2 + 1 + 1 + 2);
  }

  @Test
  void aWeightChangeKeepsAnOpenBreakerOpenAndAPolicyChangeStartsAfresh() {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary", "fail:INTERNAL:broken");
    start(split(stable, 50, canary, 50, "1m"));
    client.inferUntilFallback("digits", Map.of(), "circuit_open;from=canary", PATIENCE);
    int reached = canary.calls();

    gateway.reload(TestBed.routesConfig(dir, split(stable, 20, canary, 80, "1m")));
    List<Reply> replies = client.infer(100, "digits", Map.of());

    assertThat(replies)
        .allSatisfy(reply -> assertThat(reply.isOk()).as("%s", reply.status()).isTrue());
    assertThat(replies).extracting(Reply::variant).containsOnly("stable");
    assertThat(replies.stream().map(reply -> reply.header("x-fallback")).filter(Objects::nonNull))
        .hasSizeGreaterThan(50)
        .containsOnly("circuit_open;from=canary");
    assertThat(canary.calls()).as("no call reached the canary").isEqualTo(reached);

    // Another breaker policy is another breaker: it starts closed, and the canary gets calls.
    gateway.reload(TestBed.routesConfig(dir, split(stable, 20, canary, 80, "2m")));
    for (int i = 0; i < 20; i++) {
      client.infer("digits", Map.of());
    }
    assertThat(canary.calls()).isGreaterThan(reached);
  }

  @Test
  void theGatewaysOwnRefusalsCountAgainstNoBreakerAndEjectNoEndpoint() {
    FakeBackend solo = bed.backend("solo");
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary", "fail:INTERNAL:broken");
    // Policies that would trip at the first refusals were they counted: two failures open a
    // breaker, one ejects solo's only endpoint, three the canary's.
    start(
        Routes.sole(
                "solo",
                solo,
                "limits: {maxInFlightPerVariant: 1}",
                "breaker: {window: 10s, minimumCalls: 2, failureRate: 50, openFor: 1m}",
                "outlier: {consecutiveFailures: 1, baseEjectionTime: 1m, maxEjectionTime: 1m}")
            + Routes.either(
                "digits",
                stable,
                canary,
                "breaker: {window: 10s, minimumCalls: 2, failureRate: 50, openFor: 5s, halfOpenCalls: 1}",
                "outlier: {consecutiveFailures: 3, baseEjectionTime: 1m, maxEjectionTime: 1m}"));

    // A bulkhead of one, held, and fifty more calls while it is.
    Pending held =
        client.open(
            "solo",
            Map.of("x-fake", STALL),
            CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
            true);
    await().atMost(PATIENCE).until(() -> solo.calls() == 1);
    List<Pending> flood = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      flood.add(client.open("solo", Map.of(), CallOptions.DEFAULT, true));
    }
    assertThat(flood)
        .allSatisfy(
            call -> {
              Reply reply = call.recorder().await();
              assertThat(reply.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(reply.status().getDescription())
                  .startsWith("every variant of model 'solo' is at its limit of calls in flight");
            });
    assertThat(solo.calls()).as("no refused call reached the backend").isEqualTo(1);
    assertThat(breaker("solo", "solo")).isEqualTo("CLOSED");
    held.cancel();
    awaitIdle("solo");

    // Had one refusal counted against the endpoint it would be ejected, and these would fail as
    // having no healthy backend.
    for (int i = 0; i < 5; i++) {
      assertAnswered(client.infer("solo", Map.of()), "solo", null);
    }
    assertThat(breaker("solo", "solo")).isEqualTo("CLOSED");

    // A breaker forced open by two failures: the fifty calls it refuses are answered by stable and
    // count against neither variant.
    for (int i = 0; i < 2; i++) {
      assertThat(client.infer("digits", ON_CANARY).code()).isEqualTo(Status.Code.INTERNAL);
    }
    assertThat(breaker("digits", "canary")).isEqualTo("OPEN");
    for (int i = 0; i < 50; i++) {
      assertAnswered(client.infer("digits", ON_CANARY), "stable", "circuit_open;from=canary");
    }
    assertThat(canary.calls()).isEqualTo(2);
    assertThat(breaker("digits", "stable")).isEqualTo("CLOSED");

    // Had a refusal counted against the canary's endpoint, its third failure in a row would have
    // ejected it for a minute, and no trial could reach it once the breaker half-opens.
    canary.behaveByDefault(null);
    await()
        .atMost(PATIENCE)
        .until(() -> "canary".equals(client.infer("digits", ON_CANARY).variant()));
    assertThat(breaker("digits", "canary")).isEqualTo("CLOSED");
  }

  private static String split(
      FakeBackend stable, int stableWeight, FakeBackend canary, int canaryWeight, String openFor) {
    return Routes.split(
        "digits",
        stable,
        stableWeight,
        canary,
        canaryWeight,
        "breaker: {window: 10s, minimumCalls: 3, failureRate: 50, openFor: " + openFor + "}");
  }

  private Reply inferWith(CallOptions options) {
    return client.unary(Requests.MODEL_INFER, Requests.oip("timed", ""), Map.of(), options);
  }

  /** Attempts that {@code call} made on the two backends. */
  private static int attempts(FakeBackend first, FakeBackend second, Supplier<Reply> call) {
    int before = first.calls() + second.calls();
    Reply reply = call.get();
    assertThat(reply.code()).isEqualTo(Status.Code.UNAVAILABLE);
    return first.calls() + second.calls() - before;
  }
}
