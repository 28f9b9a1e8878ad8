package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Status;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient.Recorder;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Gateway#close} over Netty on loopback sockets, as a rollout stops a gateway pod: calls in
 * flight finish within the drain timeout while new ones are refused (the server's GOAWAY and its
 * closed port), and calls still running at the drain timeout are cancelled, on the model server
 * too.
 */
class GatewayShutdownIT extends OneGatewayTest {
  GatewayShutdownIT() {
    super(Transport.loopback());
  }

  @Test
  void closeLetsCallsInFlightFinishWithinTheDrainTimeoutAndRefusesNewOnes() {
    FakeBackend backend = bed.backend("model");
    start(backend, "30s");
    List<Recorder> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(open(Map.of("x-fake", "hold")));
    }
    await().atMost(PATIENCE).until(() -> backend.held() == 3);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
    // Until close has shut the server down a new call may still be taken; after, it is refused.
    await()
        .atMost(PATIENCE)
        .until(
            () -> client.infer("digits", Map.of()).status().getCode() == Status.Code.UNAVAILABLE);

    assertThat(closing).as("close waits for the calls in flight").isNotDone();
    assertThat(inFlight).allSatisfy(call -> assertThat(call.done()).isNotDone());
    backend.releaseHeld();
    for (Recorder call : inFlight) {
      Reply reply = call.await();
      assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
      assertThat(reply.body()).isEqualTo(Requests.oip("digits", ""));
    }
    // Well within the drain timeout: close returns once its calls are done.
    await().atMost(PATIENCE).until(closing::isDone);
    closing.join();
    assertThat(backend.cancellations()).isEmpty();
  }

  @Test
  void closeCancelsCallsStillInFlightAtTheDrainTimeout() throws Exception {
    FakeBackend backend = bed.backend("model", "stall");
    start(backend, "300ms");
    Recorder stuck = open(Map.of());
    await().atMost(PATIENCE).until(() -> backend.calls() == 1);

    long start = System.nanoTime();
    gateway.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took)
        .as("close waited the drain timeout")
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    // Long before the call's own deadline of a minute.
    Reply reply = stuck.done().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    // The gateway's server reset it (RST_STREAM CANCEL), before its channels to model servers
    // closed, which would have answered it UNAVAILABLE.
    assertThat(reply.status().getCode()).as("%s", reply.status()).isEqualTo(Status.Code.CANCELLED);
    assertThat(backend.cancellations().poll(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");
  }

  private void start(FakeBackend backend, String drainTimeout) {
    GatewayConfig config =
        Configs.load(
            dir,
            """
            reloadCheckInterval: 0s
            drainTimeout: %s
            routes:
              - model: digits
                variants:
                  - {name: only, weight: 1, endpoints: ["%s"]}
            """
                .formatted(drainTimeout, backend.endpoint()));
    // Closed by the test; closing again after it does nothing.
    start(config);
  }

  /** Starts an OIP ModelInfer for digits with a minute's deadline, half-closed. */
  private Recorder open(Map<String, String> headers) {
    return client
        .open("digits", headers, CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.MINUTES), true)
        .recorder();
  }
}
