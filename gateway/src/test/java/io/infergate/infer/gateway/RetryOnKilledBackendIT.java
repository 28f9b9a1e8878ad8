package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Recorder;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.SeveredLink;
import io.infergate.infer.gateway.testing.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls in flight on a model server that dies before answering never reached a model: each is
 * retried on the route's other variant and answered there, the caller's half-close included, so
 * none waits for its deadline.
 */
class RetryOnKilledBackendIT {
  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  @Test
  void callsInFlightOnADyingVariantAreAnsweredByTheOther() throws Exception {
    Transport transport = Transport.loopback();
    FakeBackend stable = cleanup.register(transport.backend("stable"));
    FakeBackend canary = cleanup.register(transport.backend("canary"));
    canary.behaveByDefault("stall");
    SeveredLink link = cleanup.register(SeveredLink.to(canary.endpoint()));
    GatewayConfig config =
        Configs.load(
            dir,
            """
            routes:
              - model: digits
                overrideHeader: x-variant-override
                overrideAllow: {anyCaller: true}
                # A budget this test does not reach: 100 calls fail at once (the budget is tested
                # on its own).
                retry: {budgetRatio: 1.0, minRetriesPerSecond: 1000}
                variants:
                  - {name: stable, weight: 1, endpoints: ["%s"]}
                  - {name: canary, weight: 0, endpoints: ["%s"]}
            """
                .formatted(stable.endpoint(), link.endpoint()));
    Gateway gateway = cleanup.register(transport.gateway().routes(config.routes()).start());
    GatewayClient client = new GatewayClient(cleanup.register(transport.client(gateway)));

    List<Recorder> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ClientCall<byte[], byte[]> call =
          client
              .channel()
              .newCall(
                  Requests.MODEL_INFER,
                  CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
      Recorder recorder = new Recorder();
      call.start(recorder, GatewayClient.metadata(Map.of("x-variant-override", "canary")));
      call.request(1);
      call.sendMessage(Requests.oip("digits", ""));
      call.halfClose();
      calls.add(recorder);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(canary.received().poll(10, TimeUnit.SECONDS)).isNotNull();
    }
    link.sever();

    for (Recorder call : calls) {
      Reply reply = call.await();
      assertThat(reply.status().getCode()).as("%s", reply.status()).isEqualTo(Status.Code.OK);
      assertThat(reply.variant()).isEqualTo("stable");
      // unavailable: the retry found canary's only endpoint failed; no_endpoint or circuit_open:
      // the channel or the breaker already knew when the retry looked.
      assertThat(reply.header("x-fallback")).endsWith(";from=canary");
    }
  }
}
