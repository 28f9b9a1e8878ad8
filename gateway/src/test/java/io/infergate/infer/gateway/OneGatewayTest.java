package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test whose methods each start one gateway, with the routes that method needs, over the
 * transport it is constructed with, and call it through one client. What such tests ask of that
 * gateway (a breaker's state, whether a route is idle, a call with its own deadline, who answered)
 * is written here once.
 */
abstract class OneGatewayTest {
  /**
   * How long anything the gateway does on its own (a breaker half-opening, a call ending) takes.
   */
  static final Duration PATIENCE = Duration.ofSeconds(15);

  /** Headers that send a call to the variant named canary of a route {@link Routes#either} made. */
  static final Map<String, String> ON_CANARY = Map.of("x-variant-override", "canary");

  @TempDir Path dir;
  @RegisterExtension final TestBed bed;
  Gateway gateway;
  GatewayClient client;

  /**
   * @param transport the transport of every backend, gateway and client the test starts
   */
  OneGatewayTest(Transport transport) {
    this.bed = new TestBed(transport);
  }

  /** Starts the gateway serving {@code routes}, as {@link TestBed#routesConfig} has them. */
  void start(String routes) {
    start(TestBed.routesConfig(dir, routes));
  }

  /** Starts the gateway serving {@code config}, recording no telemetry. */
  final void start(GatewayConfig config) {
    start(config, OpenTelemetry.noop());
  }

  /** Starts the gateway serving {@code config}, recording into {@code telemetry}. */
  final void start(GatewayConfig config, OpenTelemetry telemetry) {
    gateway = bed.gateway(config, telemetry);
    client = bed.client(gateway);
  }

  /**
   * Starts the gateway routing {@code digits} evenly between two new backends, {@code stable} and
   * {@code canary}, either of which a caller may pick by name ({@link Routes#either}), with {@code
   * settings}: a canary that misbehaves beside a stable that answers, as the tests of fallbacks
   * have it.
   *
   * @param canaryBehaviour what the canary does until told otherwise, as {@link
   *     FakeBackend#behaveByDefault} takes it
   * @return the canary, which such tests watch and change
   */
  final FakeBackend startStableAndCanary(String canaryBehaviour, String... settings) {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary", canaryBehaviour);
    start(Routes.either("digits", stable, canary, settings));
    return canary;
  }

  /** An OIP ModelInfer for {@code model} with a deadline {@code millis} from now. */
  final Reply inferWithin(String model, Map<String, String> headers, long millis) {
    return client.unary(
        Requests.MODEL_INFER,
        Requests.oip(model, ""),
        headers,
        CallOptions.DEFAULT.withDeadlineAfter(millis, TimeUnit.MILLISECONDS));
  }

  /** The state of the circuit breaker of {@code model}'s {@code variant}. */
  final String breaker(String model, String variant) {
    return gateway.liveVariants().of(model, variant, Duration.ofSeconds(1)).breaker();
  }

  /** Waits until no call of {@code model} is in flight: each has given back what it held. */
  final void awaitIdle(String model) {
    await().atMost(PATIENCE).until(() -> gateway.inFlight(model) == 0);
  }

  /**
   * Asserts that {@code reply} is OK, from {@code variant}, and says {@code fallback} in its {@code
   * x-fallback} header (null: it was no fallback).
   */
  static void assertAnswered(Reply reply, String variant, String fallback) {
    assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
    assertThat(reply.variant()).isEqualTo(variant);
    assertThat(reply.header("x-fallback")).isEqualTo(fallback);
  }
}
