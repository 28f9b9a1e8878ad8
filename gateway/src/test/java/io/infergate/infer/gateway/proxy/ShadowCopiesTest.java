package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.router.Shadow;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.BalancePolicy;
import io.infergate.infer.router.policy.EndpointBalancer;
import io.infergate.infer.router.resilience.Limits;
import io.infergate.infer.router.resilience.Resilience;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shadow copies: bounded, never blocking, and every slot given back whatever becomes of a copy. */
class ShadowCopiesTest {
  private static final ForwardedMethod MODEL_INFER =
      MethodCatalog.methods(MethodCatalog.services(), GatewayConfig.DEFAULT_MAX_PEEKED_FIELDS)
          .get("inference.GRPCInferenceService/ModelInfer");

  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private final AnswerDecoder agreement = new AnswerDecoder(16);
  private FakeBackend shadow;
  private ScriptedChannel channel;

  @BeforeEach
  void start() throws Exception {
    shadow = cleanup.register(Transport.inProcess().backend("shadow"));
    ManagedChannel inProcess =
        InProcessChannelBuilder.forName(shadow.endpoint().host()).directExecutor().build();
    channel = new ScriptedChannel(cleanup.register(inProcess));
  }

  @AfterEach
  void stopAgreement() {
    agreement.close();
  }

  @Test
  void copiesCarryTheAllowedCallersHeadersOnlyAndTheirAnswersAreDropped() {
    ShadowCopies copies = copies(8);

    for (int i = 0; i < 3; i++) {
      copies.send(
          MODEL_INFER,
          Requests.oip("digits", ""),
          GatewayClient.metadata(Map.of("x-request-id", "r1", "authorization", "Bearer t")),
          Span.getInvalid());
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> copies.counts().equals(new ShadowCounts(3, 0, 0, 0)));
    assertThat(shadow.received())
        .allSatisfy(
            received -> {
              assertThat(received.headers().get(GatewayClient.header("x-request-id")))
                  .isEqualTo("r1");
              assertThat(received.headers().get(GatewayClient.header("authorization"))).isNull();
            });
  }

  @Test
  void copiesBeyondMaxInFlightAreDroppedNeverQueued() {
    shadow.behaveByDefault("stall");
    ShadowCopies copies = copies(2);

    for (int i = 0; i < 5; i++) {
      copies.send(MODEL_INFER, Requests.oip("digits", ""), new Metadata(), Span.getInvalid());
    }

    assertThat(copies.counts()).isEqualTo(new ShadowCounts(2, 3, 0, 2));
  }

  /**
   * A copy that fails before its call starts ({@code newCall}) or after ({@code sendMessage}):
   * counted as failed, its slot given back. Were a slot leaked per failure, all but the first two
   * copies would be dropped.
   */
  @ParameterizedTest
  @ValueSource(strings = {"newCall", "sendMessage"})
  void aCopyThatFailsGivesItsSlotBackAndIsCounted(String failing) {
    channel.throwOnNewCall = failing.equals("newCall");
    channel.throwOnSend = failing.equals("sendMessage");
    ShadowCopies copies = copies(2);

    for (int i = 0; i < 10; i++) {
      copies.send(MODEL_INFER, Requests.oip("digits", ""), new Metadata(), Span.getInvalid());
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> copies.counts().equals(new ShadowCounts(0, 0, 10, 0)));
    assertThat(channel.newCalls()).isEqualTo(10);
  }

  @Test
  void aCopyOutlivesTheCallThatItCopies() throws Exception {
    shadow.behaveByDefault("stall");
    ShadowCopies copies = copies(2);
    Context.CancellableContext caller = Context.current().withCancellation();

    caller.run(
        () ->
            copies.send(
                MODEL_INFER, Requests.oip("digits", ""), new Metadata(), Span.getInvalid()));
    assertThat(shadow.received().poll(10, TimeUnit.SECONDS)).isNotNull();
    caller.cancel(null);

    assertThat(shadow.cancellations().poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(copies.counts()).isEqualTo(new ShadowCounts(1, 0, 0, 1));
  }

  private ShadowCopies copies(int maxInFlight) {
    Variant variant =
        new Variant("candidate", 0, List.of(shadow.endpoint()), BalancePolicy.LEAST_OUTSTANDING);
    VariantTarget target =
        new VariantTarget(
            variant,
            new ManagedChannel[] {channel},
            EndpointBalancer.of(BalancePolicy.LEAST_OUTSTANDING, 1),
            Limits.DEFAULT.maxInFlightPerVariant(),
            new VariantHealth("digits", variant, Resilience.DEFAULT, new VariantWindow()),
            Rewrite.NONE,
            new Shadow("candidate", 1.0, maxInFlight, Duration.ofSeconds(30)),
            agreement,
            new VariantTelemetry(
                new RouteTelemetry(GatewayTelemetry.noop(), "digits", "candidate", null),
                "candidate"),
            null);
    return target.copies;
  }
}
