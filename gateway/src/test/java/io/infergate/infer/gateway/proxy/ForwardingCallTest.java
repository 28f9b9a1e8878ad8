package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.router.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forwarding call on its own, driven from the caller's side, against in-process backends whose
 * channels fail on cue: every refusal answers the caller exactly once and gives its endpoint back.
 */
class ForwardingCallTest {
  private static final ForwardedMethod MODEL_INFER =
      MethodCatalog.methods(MethodCatalog.services(), GatewayConfig.DEFAULT_MAX_PEEKED_FIELDS)
          .get("inference.GRPCInferenceService/ModelInfer");

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private final Map<Endpoint, ScriptedChannel> channels = new ConcurrentHashMap<>();
  private FakeBackend a;
  private FakeBackend b;
  private LiveRoutes routes;

  @BeforeEach
  void start() throws Exception {
    Transport transport = Transport.inProcess();
    a = cleanup.register(transport.backend("a"));
    b = cleanup.register(transport.backend("b"));
    routes =
        cleanup.register(
            new LiveRoutes(
                endpoint ->
                    channels.computeIfAbsent(
                        endpoint,
                        e ->
                            new ScriptedChannel(
                                InProcessChannelBuilder.forName(e.host())
                                    .directExecutor()
                                    .build()))));
  }

  @Test
  void aCallIsRoutedOnItsFirstMessageAndAnsweredWithTheVariantThatServed() {
    apply("{name: pair, weight: 1, endpoints: [\"%s\"]}".formatted(a.endpoint()));
    byte[] body = Requests.oip("digits", "4");

    RecordingServerCall caller = forward(body);

    assertThat(caller.status().isOk()).isTrue();
    assertThat(caller.messages).containsExactly(body);
    assertThat(caller.headers.get(AnswerHeaders.X_VARIANT)).isEqualTo("pair;version=4");
    assertThat(caller.closes()).isEqualTo(1);
  }

  /**
   * The gateway's own failure before the client call starts ({@code newCall}) or after it started
   * ({@code sendMessage}): either way the caller gets INTERNAL exactly once and the endpoint is
   * given back.
   */
  @ParameterizedTest
  @ValueSource(strings = {"newCall", "sendMessage"})
  void aForwardThatThrowsFailsTheCallOnceAndGivesItsEndpointBack(String failing) {
    apply(pairOverBothBackends());
    ScriptedChannel channel = channels.get(a.endpoint());
    channel.throwOnNewCall = failing.equals("newCall");
    channel.throwOnSend = failing.equals("sendMessage");

    for (int i = 0; i < 4; i++) {
      RecordingServerCall caller = forward(Requests.oip("digits", ""));
      assertThat(caller.closes()).isEqualTo(1);
      if (!caller.status().isOk()) {
        assertThat(caller.status().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(caller.status().getDescription())
            .startsWith("variant 'pair' of model 'digits': the gateway failed to forward the call");
      }
    }

    // least_outstanding picks an endpoint with a call in flight only when the other is busier: a
    // leaked count on the failing endpoint would leave every later call to the other one.
    assertThat(channel.newCalls()).isEqualTo(2);
    assertThat(b.calls()).isEqualTo(2);
  }

  @Test
  void anEndpointRetiredAfterTheCallReadTheTableIsRoutedAgainOnTheTableInForce() {
    apply("{name: stable, weight: 1, endpoints: [\"%s\"]}".formatted(a.endpoint()));
    GatewayConfig moved =
        config("{name: stable, weight: 1, endpoints: [\"%s\"]}".formatted(b.endpoint()));
    // The reload lands between the call's read of the table and its use of the channel.
    channels.get(a.endpoint()).onShutdownCheck =
        () -> routes.apply(moved.routes(), Duration.ofSeconds(1));

    RecordingServerCall caller = forward(Requests.oip("digits", ""));

    assertThat(caller.status().isOk()).as("%s", caller.status()).isTrue();
    assertThat(caller.headers.get(AnswerHeaders.X_VARIANT)).isEqualTo("stable");
    assertThat(b.calls()).isEqualTo(1);
    assertThat(a.calls()).isZero();
  }

  @Test
  void aCallThatEndsWithoutAMessageOrWithAMalformedOneIsRefusedWithoutABackend() {
    apply("{name: stable, weight: 1, endpoints: [\"%s\"]}".formatted(a.endpoint()));
    RecordingServerCall empty = new RecordingServerCall(MODEL_INFER.descriptor());
    ForwardingCall call = new ForwardingCall(MODEL_INFER, routes, empty, new Metadata());

    call.onHalfClose();
    RecordingServerCall malformed = forward(new byte[] {0x0a, 0x7f});

    assertThat(empty.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(malformed.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(malformed.closes()).isEqualTo(1);
    assertThat(a.calls()).isZero();
  }

  private RecordingServerCall forward(byte[] body) {
    RecordingServerCall caller = new RecordingServerCall(MODEL_INFER.descriptor());
    ForwardingCall call = new ForwardingCall(MODEL_INFER, routes, caller, new Metadata());
    call.onMessage(body);
    call.onHalfClose();
    caller.status();
    return caller;
  }

  private String pairOverBothBackends() {
    return "{name: pair, weight: 1, endpoints: [\"%s\", \"%s\"], balance: least_outstanding}"
        .formatted(a.endpoint(), b.endpoint());
  }

  private void apply(String variant) {
    GatewayConfig config = config(variant);
    routes.apply(config.routes(), config.drainTimeout());
  }

  private GatewayConfig config(String variant) {
    return Configs.load(dir, "routes: [{model: digits, variants: [" + variant + "]}]\n");
  }
}
