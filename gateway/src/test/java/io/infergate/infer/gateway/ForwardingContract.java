package io.infergate.infer.gateway;

import static io.infergate.infer.gateway.testing.GatewayClient.metadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.proxy.ShadowCounts;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.FakeBackend.Received;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Recorder;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ServerLiveRequest;
import io.infergate.infer.proto.oip.v2.ServerMetadataRequest;
import io.infergate.infer.proto.oip.v2.ServerMetadataResponse;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway promises about forwarding, whatever the transport: bytes, metadata and statuses
 * pass through both ways; deadlines and cancellation reach the backend; weights, sticky keys and
 * overrides choose the variant; shadows get copies without slowing anyone; reloads add and remove
 * endpoints without failing a call. Written once and run in-process ({@link
 * InProcessForwardingTest}) and over Netty loopback sockets ({@link NettyForwardingIT}), as
 * grpc-java's transport suites are, against fake backends that start in milliseconds.
 */
abstract class ForwardingContract {
  /** A bidirectional streaming method outside the public API, forwarded like an OIP call. */
  static final MethodDescriptor<byte[], byte[]> CHAT =
      Requests.method("test.Streaming/Chat", MethodType.BIDI_STREAMING);

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  Transport transport;
  FakeBackend stable;
  FakeBackend canary;
  FakeBackend candidate;
  FakeBackend left;
  FakeBackend right;
  String unreachable;
  Gateway gateway;
  GatewayClient client;

  /** The transport this run of the suite uses. */
  abstract Transport transport();

  @BeforeEach
  void start() throws Exception {
    transport = transport();
    stable = cleanup.register(transport.backend("stable"));
    canary = cleanup.register(transport.backend("canary"));
    candidate = cleanup.register(transport.backend("candidate"));
    left = cleanup.register(transport.backend("left"));
    right = cleanup.register(transport.backend("right"));
    unreachable = transport.unreachable().toString();
    GatewayConfig config = config(stable.endpoint().toString());
    gateway =
        cleanup.register(
            transport
                .gateway()
                .routes(config.routes())
                .drainTimeout(config.drainTimeout())
                .alsoForward(ServiceDescriptor.newBuilder("test.Streaming").addMethod(CHAT).build())
                .start());
    client = new GatewayClient(cleanup.register(transport.client(gateway)));
  }

  @Test
  void aUnaryCallPassesThroughByteForByteWithHeadersAndTrailersBothWays() {
    byte[] body = Requests.oip("digits", "");

    Reply reply =
        client.unary(
            Requests.MODEL_INFER,
            body,
            Map.of("x-variant-override", "stable", "x-request-id", "req-42"));

    assertThat(reply.status().isOk()).as("%s", reply.status()).isTrue();
    assertThat(reply.body()).isEqualTo(body);
    assertThat(reply.header("x-served-by")).isEqualTo("stable");
    assertThat(reply.variant()).isEqualTo("stable");
    assertThat(reply.trailers().get(FakeBackend.TRAILER)).isEqualTo("done");
    Received received = stable.received().poll();
    assertThat(received.method()).isEqualTo("inference.GRPCInferenceService/ModelInfer");
    assertThat(received.messages()).containsExactly(body);
    assertThat(received.headers().get(GatewayClient.header("x-request-id"))).isEqualTo("req-42");
  }

  @Test
  void theVersionThatServedIsAddedToXVariantAndTfServingCallsRouteByModelSpec() {
    Reply oip = client.infer("digits", "7", Map.of("x-variant-override", "canary"));
    byte[] predict = Requests.predict("digits", 3);
    Reply tfServing =
        client.unary(Requests.PREDICT, predict, Map.of("x-variant-override", "stable"));

    assertThat(oip.variant()).isEqualTo("canary;version=7");
    assertThat(tfServing.body()).isEqualTo(predict);
    assertThat(tfServing.header("x-served-by")).isEqualTo("stable");
  }

  @Test
  void aBackendsStatusAndTrailersPassThroughUnchanged() {
    Reply reply =
        client.unary(
            Requests.MODEL_INFER,
            Requests.oip("digits", "7"),
            Map.of(
                "x-variant-override",
                "stable",
                "x-fake",
                "fail:NOT_FOUND:model 'digits' version 7 not found (loaded: [1])"));

    assertThat(reply.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(reply.status().getDescription())
        .isEqualTo("model 'digits' version 7 not found (loaded: [1])");
    assertThat(reply.trailers().get(FakeBackend.TRAILER)).isEqualTo("failed");
    assertThat(reply.variant()).isEqualTo("stable");
  }

  @Test
  void theCallersDeadlineReachesTheBackendAndEndsTheCallThere() throws Exception {
    Reply reply =
        client.unary(
            Requests.MODEL_INFER,
            Requests.oip("digits", ""),
            Map.of("x-variant-override", "stable", "x-fake", "stall"),
            CallOptions.DEFAULT.withDeadlineAfter(1500, TimeUnit.MILLISECONDS));

    assertThat(reply.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(stable.received().poll(10, TimeUnit.SECONDS).deadlineMillis()).isBetween(1L, 1500L);
    assertThat(stable.cancellations().poll(10, TimeUnit.SECONDS))
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");
  }

  @Test
  void cancellingACallCancelsItAtTheBackend() throws Exception {
    ClientCall<byte[], byte[]> call =
        client.channel().newCall(Requests.MODEL_INFER, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    call.start(recorder, metadata(Map.of("x-variant-override", "stable", "x-fake", "stall")));
    call.sendMessage(Requests.oip("digits", ""));
    call.halfClose();
    call.request(1);
    assertThat(stable.received().poll(10, TimeUnit.SECONDS)).isNotNull();

    call.cancel("the test gave up", null);

    assertThat(stable.cancellations().poll(10, TimeUnit.SECONDS))
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");
    assertThat(recorder.await().status().getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void aNinetyTenSplitLandsInsideTheBinomialInterval() {
    int calls = 2_000;
    int onCanary = 0;
    for (int i = 0; i < calls; i++) {
      if (client.infer("digits", Map.of()).variant().equals("canary")) {
        onCanary++;
      }
    }

    // 99.9% interval of Binomial(2000, 0.1): 200 ± 3.29·sqrt(2000·0.1·0.9).
    double halfWidth = 3.29 * Math.sqrt(calls * 0.1 * 0.9);
    assertThat((double) onCanary).isBetween(200 - halfWidth, 200 + halfWidth);
    assertThat(stable.calls() + canary.calls()).isEqualTo(calls);
  }

  @Test
  void aStickyKeyStaysOnOneVariantWhileKeysSpreadOverBoth() {
    Map<String, String> first = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int user = 0; user < 100; user++) {
        String variant = client.infer("digits", Map.of("x-user-id", "user-" + user)).variant();
        assertThat(first.putIfAbsent("user-" + user, variant)).isIn(null, variant);
      }
    }

    assertThat(first.values()).contains("stable", "canary");
  }

  @Test
  void theOverrideHeaderForcesAVariantOverTheStickyKey() {
    for (int user = 0; user < 50; user++) {
      assertThat(
              client
                  .infer("digits", Map.of("x-variant-override", "canary", "x-user-id", "u" + user))
                  .variant())
          .isEqualTo("canary");
    }
  }

  @Test
  void roundRobinSpreadsCallsEvenlyOverAVariantsEndpoints() {
    for (int i = 0; i < 100; i++) {
      assertThat(client.infer("pair", Map.of()).isOk()).isTrue();
    }

    assertThat(left.calls()).isEqualTo(50);
    assertThat(right.calls()).isEqualTo(50);
  }

  @Test
  void aRewriteRenamesTheModelAndVersionTheBackendIsSent() throws Exception {
    byte[] body = Requests.oip("renamed", "");

    assertThat(client.unary(Requests.MODEL_INFER, body, Map.of()).isOk()).isTrue();

    ModelInferRequest sent =
        ModelInferRequest.parseFrom(stable.received().poll().messages().get(0));
    assertThat(sent.getModelName()).isEqualTo("digits-next");
    assertThat(sent.getModelVersion()).isEqualTo("3");
    assertThat(sent.toBuilder().setModelName("renamed").setModelVersion("").build())
        .isEqualTo(ModelInferRequest.parseFrom(body));
  }

  @Test
  void shadowCopiesReachTheShadowWhileCallersGetThePrimary() throws Exception {
    for (int i = 0; i < 20; i++) {
      Reply reply = client.infer("shadowed", Map.of());
      assertThat(reply.variant()).isEqualTo("stable");
      assertThat(reply.header("x-served-by")).isEqualTo("stable");
      // One copy at a time: the first may wait for the shadow's connection, and more than
      // maxInFlight copies waiting would be dropped, which the next test covers.
      FakeBackend.Received copy = candidate.received().poll(10, TimeUnit.SECONDS);
      assertThat(copy).isNotNull();
      await().atMost(Duration.ofSeconds(10)).until(() -> !copy.messages().isEmpty());
      assertThat(copy.messages().get(0)).isEqualTo(Requests.oip("shadowed", ""));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(gateway.shadowCounts("shadowed"))
                    .isEqualTo(new ShadowCounts(20, 0, 0, 0)));
    assertThat(candidate.calls()).isEqualTo(20);
  }

  @Test
  void aStalledShadowNeitherSlowsNorFailsThePrimaryAndDropsWhatDoesNotFit() {
    candidate.behaveByDefault("stall");

    for (int i = 0; i < 20; i++) {
      Reply reply =
          client.unary(
              Requests.MODEL_INFER,
              Requests.oip("shadowed", ""),
              Map.of(),
              CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS));
      assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
    }

    ShadowCounts counts = gateway.shadowCounts("shadowed");
    assertThat(counts.inFlight()).as("copies in flight at most maxInFlight").isEqualTo(8);
    assertThat(counts.dropped()).as("copies dropped, never queued").isEqualTo(12);
  }

  @Test
  void aModelWithoutARouteIsNotFoundAndABodyThatIsNotProtobufIsInvalid() {
    Reply noRoute = client.infer("nope", Map.of());
    Reply malformed = client.unary(Requests.MODEL_INFER, new byte[] {0x0a, 0x7f, 'd'}, Map.of());
    Reply noModel = client.unary(Requests.MODEL_INFER, new byte[0], Map.of());

    assertThat(noRoute.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(noRoute.status().getDescription()).isEqualTo("no route for model 'nope'");
    assertThat(malformed.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(malformed.status().getDescription()).startsWith("malformed request body");
    assertThat(noModel.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aBodyThatNamesTwoModelsReachesNoModelWhicheverComesFirst() {
    // Protobuf keeps the last model_name; a gateway routing by the first would send "renamed"
    // (rewritten to digits-next) where the model server reads "digits", or the other way round.
    byte[] digitsThenRenamed = concat(Requests.oip("digits", ""), Requests.oip("renamed", ""));
    byte[] renamedThenDigits = concat(Requests.oip("renamed", ""), Requests.oip("digits", ""));

    for (byte[] body : List.of(digitsThenRenamed, renamedThenDigits)) {
      Reply reply = client.unary(Requests.MODEL_INFER, body, Map.of());
      assertThat(reply.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(reply.status().getDescription())
          .startsWith("model_name appears more than once in the request body");
    }
    assertThat(stable.calls() + canary.calls() + candidate.calls()).isZero();
  }

  @Test
  void aVariantWithNoReachableEndpointIsUnavailableByName() {
    Reply reply = client.infer("gone", Map.of());

    assertThat(reply.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(reply.status().getDescription())
        .startsWith("no healthy backend for model 'gone'")
        // no_endpoint once the channel knows the port refuses connections; before, the first
        // attempt is refused and its retry finds no other endpoint.
        .containsAnyOf("gone no_endpoint", "gone unavailable");
  }

  @Test
  void serverLevelMethodsHealthAndReflectionAreTheGatewaysOwnAndUnknownMethodsUnimplemented()
      throws Exception {
    var oip = GRPCInferenceServiceGrpc.newBlockingStub(client.channel());
    ServerMetadataResponse metadata =
        oip.serverMetadata(ServerMetadataRequest.getDefaultInstance());
    Reply unknown =
        client.unary(
            Requests.method("inference.GRPCInferenceService/ModelStreamInfer", MethodType.UNARY),
            new byte[0],
            Map.of());

    assertThat(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(metadata.getName()).isEqualTo(Gateway.NAME);
    assertThat(metadata.getVersion()).isEqualTo(ProjectVersion.current());
    assertThat(
            HealthGrpc.newBlockingStub(client.channel())
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(
            HealthGrpc.newBlockingStub(client.channel())
                .check(HealthCheckRequest.newBuilder().setService("liveness").build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(reflectedServices())
        .contains(
            "inference.GRPCInferenceService",
            "tensorflow.serving.PredictionService",
            "tensorflow.serving.ModelService",
            "grpc.health.v1.Health");
    assertThat(unknown.status().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(stable.calls() + canary.calls()).isZero();
  }

  @Test
  void aBidiStreamPassesEveryMessageBothWaysInOrderUnderFlowControl() {
    ClientCall<byte[], byte[]> call = client.channel().newCall(CHAT, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    call.start(recorder, metadata(Map.of("x-variant-override", "canary")));
    call.request(Integer.MAX_VALUE);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      // 64 messages of 64 KiB: more than one HTTP/2 window, so both sides must wait for readiness.
      byte[] message =
          ModelInferRequest.newBuilder()
              .setModelName("digits")
              .setId("message-" + i)
              .addRawInputContents(com.google.protobuf.ByteString.copyFrom(new byte[64 << 10]))
              .build()
              .toByteArray();
      sent.add(message);
      call.sendMessage(message);
    }
    call.halfClose();

    Reply reply = recorder.await();
    assertThat(reply.status().isOk()).as("%s", reply.status()).isTrue();
    assertThat(reply.messages()).hasSize(64);
    for (int i = 0; i < 64; i++) {
      assertThat(Arrays.equals(reply.messages().get(i), sent.get(i))).as("message %d", i).isTrue();
    }
    assertThat(reply.variant()).isEqualTo("canary");
    assertThat(reply.trailers().get(FakeBackend.TRAILER)).isEqualTo("done");
    assertThat(canary.received().poll().messages()).hasSize(64);
  }

  @Test
  void aLaterStreamMessageNamingAnotherModelEndsTheCallAndNeverReachesTheBackend()
      throws Exception {
    ClientCall<byte[], byte[]> call = client.channel().newCall(CHAT, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    call.start(recorder, metadata(Map.of("x-variant-override", "stable")));
    call.request(Integer.MAX_VALUE);
    call.sendMessage(Requests.oip("digits", ""));
    call.sendMessage(Requests.oip("digits-next", ""));

    Reply reply = recorder.await();
    assertThat(reply.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(reply.status().getDescription())
        .isEqualTo(
            "a later message of the stream names another model (expected: 'digits', which its"
                + " first message named)");
    // The first message may or may not reach the backend before the call is cancelled there (a
    // race between its DATA frame and the RST_STREAM); the second one never does.
    Received received = stable.received().poll(10, TimeUnit.SECONDS);
    assertThat(received.messages()).hasSizeLessThanOrEqualTo(1);
    for (byte[] message : received.messages()) {
      assertThat(ModelInferRequest.parseFrom(message).getModelName()).isEqualTo("digits");
    }
  }

  @Test
  void everyMessageOfAStreamIsRewrittenAsTheFirstIs() throws Exception {
    ClientCall<byte[], byte[]> call = client.channel().newCall(CHAT, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    call.start(recorder, new io.grpc.Metadata());
    call.request(Integer.MAX_VALUE);
    call.sendMessage(Requests.oip("renamed", ""));
    call.sendMessage(Requests.oip("renamed", ""));
    call.sendMessage(Requests.oip("", ""));
    call.halfClose();

    Reply reply = recorder.await();
    assertThat(reply.status().isOk()).as("%s", reply.status()).isTrue();
    List<byte[]> messages = stable.received().poll(10, TimeUnit.SECONDS).messages();
    assertThat(messages).hasSize(3);
    for (byte[] message : messages) {
      ModelInferRequest sent = ModelInferRequest.parseFrom(message);
      assertThat(sent.getModelName()).isEqualTo("digits-next");
      assertThat(sent.getModelVersion()).isEqualTo("3");
    }
  }

  @Test
  void aReloadAddsAndRemovesEndpointsWhileCallsInFlightFinishWhereTheyStarted() throws Exception {
    // A stream: forwarded from its first message on (a one-message request waits for half-close).
    ClientCall<byte[], byte[]> inFlight = client.channel().newCall(CHAT, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    inFlight.start(recorder, metadata(Map.of("x-variant-override", "stable")));
    inFlight.sendMessage(Requests.oip("digits", ""));
    inFlight.request(1);
    assertThat(stable.received().poll(10, TimeUnit.SECONDS)).isNotNull();

    // stable leaves every route (its channel drains); canary takes its place.
    gateway.reload(config(canary.endpoint().toString()));
    inFlight.halfClose();

    Reply finished = recorder.await();
    assertThat(finished.isOk()).as("%s", finished.status()).isTrue();
    assertThat(finished.header("x-served-by")).isEqualTo("stable");
    for (int i = 0; i < 30; i++) {
      assertThat(
              client.infer("digits", Map.of("x-variant-override", "stable")).header("x-served-by"))
          .isEqualTo("canary");
      assertThat(client.infer("pair", Map.of()).isOk()).isTrue();
    }
    assertThat(left.calls() + right.calls()).isEqualTo(30);
    assertThat(stable.calls()).as("only the call in flight during the reload").isEqualTo(1);
  }

  @Test
  void aReloadBetweenACallsStartAndItsFirstMessageFailsNoCall() {
    ClientCall<byte[], byte[]> call =
        client.channel().newCall(Requests.MODEL_INFER, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    call.start(recorder, metadata(Map.of("x-variant-override", "stable")));
    call.request(1);
    // Until the gateway has started the call, a reload could not race it.
    client.infer("digits", Map.of());

    gateway.reload(config(canary.endpoint().toString()));
    call.sendMessage(Requests.oip("digits", ""));
    call.halfClose();

    Reply reply = recorder.await();
    assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
    assertThat(reply.header("x-served-by")).isEqualTo("canary");
  }

  /** Two serialized messages one after the other: protobuf parses them as one, merged. */
  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  /** The suite's routes, with {@code stableEndpoint} where the stable variants are served. */
  private GatewayConfig config(String stableEndpoint) {
    return Configs.load(
        dir,
        """
        reloadCheckInterval: 0s
        drainTimeout: 2s
        routes:
          - model: digits
            stickyHeader: x-user-id
            overrideHeader: x-variant-override
            overrideAllow: {anyCaller: true}
            variants:
              - {name: stable, weight: 90, endpoints: ["%1$s"]}
              - {name: canary, weight: 10, endpoints: ["%2$s"]}
          - model: pair
            variants:
              - {name: pair, weight: 1, endpoints: ["%3$s", "%4$s"]}
          - model: shadowed
            shadow: {variant: candidate, fraction: 1.0, maxInFlight: 8, timeout: 10s}
            variants:
              - {name: stable, weight: 1, endpoints: ["%1$s"]}
              - {name: candidate, weight: 0, endpoints: ["%5$s"]}
          - model: renamed
            variants:
              - {name: next, weight: 1, endpoints: ["%1$s"], rewrite: {model: digits-next, version: "3"}}
          - model: gone
            variants:
              - {name: gone, weight: 1, endpoints: ["%6$s"]}
        """
            .formatted(
                stableEndpoint,
                canary.endpoint(),
                left.endpoint(),
                right.endpoint(),
                candidate.endpoint(),
                unreachable));
  }

  private List<String> reflectedServices() throws Exception {
    MethodDescriptor<byte[], byte[]> reflection =
        RawMarshaller.of(ServerReflectionGrpc.getServerReflectionInfoMethod());
    ClientCall<byte[], byte[]> call = client.channel().newCall(reflection, CallOptions.DEFAULT);
    Recorder recorder = new Recorder();
    call.start(recorder, new io.grpc.Metadata());
    call.request(1);
    call.sendMessage(
        ServerReflectionRequest.newBuilder().setListServices("").build().toByteArray());
    call.halfClose();
    return ServerReflectionResponse.parseFrom(recorder.await().body())
        .getListServicesResponse()
        .getServiceList()
        .stream()
        .map(ServiceResponse::getName)
        .toList();
  }
}
