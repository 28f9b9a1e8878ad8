package io.infergate.infer.gateway;

import static io.infergate.infer.gateway.testing.GatewayClient.metadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Recorder;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.RawHttp2Client;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.testing.Http2Frames;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's input bounds and connection limits over loopback sockets, configured through the
 * YAML file as {@code bin/gateway} reads it: each is met exactly at its limit and refused one step
 * past it, before any call reaches a model server.
 */
class GatewayLimitsIT {
  private static final int MAX_MESSAGE_BYTES = 1 << 20;
  private static final int MAX_METADATA_BYTES = 2048;
  private static final int MAX_CALLS_PER_CONNECTION = 2;
  private static final int MAX_RST_FRAMES = 20;

  /** HTTP/2's ENHANCE_YOUR_CALM, grpc-java's GOAWAY code for a client that resets too often. */
  private static final long ENHANCE_YOUR_CALM = 0xb;

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private final Transport transport = Transport.loopback();
  private FakeBackend backend;
  private Gateway gateway;

  @BeforeEach
  void start() throws IOException {
    backend = cleanup.register(transport.backend("stable"));
    gateway =
        cleanup.register(
            Gateway.start(
                Configs.load(
                    dir,
                    Configs.LOOPBACK
                        + "maxInboundMessageBytes: "
                        + MAX_MESSAGE_BYTES
                        + "\n"
                        + "connections: {maxConcurrentCallsPerConnection: "
                        + MAX_CALLS_PER_CONNECTION
                        + ", maxInboundMetadataBytes: "
                        + MAX_METADATA_BYTES
                        + ", maxRstFramesPerWindow: "
                        + MAX_RST_FRAMES
                        + ", rstFramesWindow: 1h}\n"
                        + Configs.soleRoute(backend))));
  }

  @Test
  void aMessageAtTheLimitIsForwardedAndOneByteMoreIsRefusedBeforeAnyBackendCall() {
    GatewayClient client = client();

    Reply atLimit = client.unary(Requests.MODEL_INFER, oipOfSize(MAX_MESSAGE_BYTES), Map.of());
    assertThat(atLimit.status().getCode()).isEqualTo(Status.Code.OK);
    assertThat(backend.calls()).isEqualTo(1);

    Reply over = client.unary(Requests.MODEL_INFER, oipOfSize(MAX_MESSAGE_BYTES + 1), Map.of());
    assertThat(over.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(backend.calls()).isEqualTo(1);
  }

  @Test
  void aSmallGzipBodyThatInflatesPastTheLimitIsRefusedAndTheGatewayServesOn() throws IOException {
    byte[] zeros =
        ModelInferRequest.newBuilder()
            .setModelName("m")
            .addRawInputContents(ByteString.copyFrom(new byte[16 * MAX_MESSAGE_BYTES]))
            .build()
            .toByteArray();
    assertThat(gzip(zeros)).hasSizeLessThan(MAX_MESSAGE_BYTES / 8);
    GatewayClient client = client();

    Reply inflated =
        client.unary(
            Requests.MODEL_INFER,
            zeros,
            Map.of(),
            CallOptions.DEFAULT.withCompression("gzip").withDeadlineAfter(20, TimeUnit.SECONDS));

    assertThat(inflated.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(inflated.status().getDescription())
        .isEqualTo(
            "the request message is larger than the gateway's maxInboundMessageBytes once"
                + " decompressed");
    assertThat(backend.calls()).isZero();
    Reply small =
        client.unary(
            Requests.MODEL_INFER,
            Requests.oip("m", ""),
            Map.of(),
            CallOptions.DEFAULT.withCompression("gzip").withDeadlineAfter(20, TimeUnit.SECONDS));
    assertThat(small.status().getCode()).isEqualTo(Status.Code.OK);
    assertThat(backend.calls()).isEqualTo(1);
  }

  @Test
  void aModelNameOverItsLimitIsRefusedByFieldAndLimitWithoutEchoingIt() {
    GatewayClient client = client();

    Reply tooLong = client.infer("n".repeat(1025), Map.of());
    Reply unknown = client.infer("n".repeat(1024), Map.of());

    assertThat(tooLong.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(tooLong.status().getDescription())
        .isEqualTo("model_name is 1025 bytes long (expected: at most 1024 bytes)");
    assertThat(unknown.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.status().getDescription())
        .isEqualTo("no route for model '" + "n".repeat(128) + "...' (1024 characters, truncated)");
    assertThat(backend.calls()).isZero();
  }

  @Test
  void metadataAtTheLimitIsForwardedAndOverItIsRefused() {
    GatewayClient client = client();

    Reply fits = client.infer("m", Map.of("x-pad", "p".repeat(MAX_METADATA_BYTES / 2)));
    Reply over = client.infer("m", Map.of("x-pad", "p".repeat(MAX_METADATA_BYTES)));

    assertThat(fits.status().getCode()).isEqualTo(Status.Code.OK);
    assertThat(over.status().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(over.status().getDescription()).isEqualTo("http2 exception");
    assertThat(backend.calls()).isEqualTo(1);
  }

  @Test
  void oneConnectionRunsCallsUpToItsLimitAndTheNextWaitsForAPlace() {
    ManagedChannel first = cleanup.register(transport.client(gateway));
    ManagedChannel second = cleanup.register(transport.client(gateway));
    List<Recorder> calls = new ArrayList<>();
    for (int i = 0; i <= MAX_CALLS_PER_CONNECTION; i++) {
      calls.add(hold(first));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.held() == MAX_CALLS_PER_CONNECTION);

    // Another connection has places of its own: its call arrives while the third of the first
    // still waits in its client for a stream.
    calls.add(hold(second));
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.held() == 3);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> backend.calls() == 3);

    backend.releaseHeld();
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.held() == 1);
    backend.releaseHeld();
    for (Recorder call : calls) {
      assertThat(call.await().status().getCode()).isEqualTo(Status.Code.OK);
    }
    assertThat(backend.calls()).isEqualTo(4);
  }

  @Test
  void aClientResettingAsManyStreamsAsAllowedKeepsItsConnectionAndOneMoreLosesIt()
      throws Exception {
    GatewayClient other = client();
    assertThat(other.infer("m", Map.of()).status().getCode()).isEqualTo(Status.Code.OK);

    try (RawHttp2Client attacker = new RawHttp2Client(gateway.port())) {
      attacker.openAndReset("/inference.GRPCInferenceService/ServerLive", MAX_RST_FRAMES);
      // Answered after the server has read every reset: the connection is still open.
      attacker.ping().get(10, TimeUnit.SECONDS);

      attacker.openAndReset("/inference.GRPCInferenceService/ServerLive", 1);

      // grpc-java counts the resets a client sends (and those the server is made to send for
      // malformed frames) and ends the connection on the first past maxRstFramesPerWindow.
      assertThat(attacker.goAway().get(10, TimeUnit.SECONDS))
          .isEqualTo(new Http2Frames.GoAway(ENHANCE_YOUR_CALM, "too_many_rststreams"));
      attacker.closed().get(10, TimeUnit.SECONDS);
    }
    assertThat(other.infer("m", Map.of()).status().getCode()).isEqualTo(Status.Code.OK);
  }

  private GatewayClient client() {
    return new GatewayClient(cleanup.register(transport.client(gateway)));
  }

  private static Recorder hold(ManagedChannel channel) {
    Recorder recorder = new Recorder();
    ClientCall<byte[], byte[]> call =
        channel.newCall(
            Requests.MODEL_INFER, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
    call.start(recorder, metadata(Map.of(FakeBackend.BEHAVIOUR.name(), "hold")));
    call.sendMessage(Requests.oip("m", ""));
    call.halfClose();
    call.request(2);
    return recorder;
  }

  /** An OIP request for model {@code m} of exactly {@code bytes} bytes. */
  private static byte[] oipOfSize(int bytes) {
    for (int padding = bytes; padding > 0; padding--) {
      byte[] body =
          ModelInferRequest.newBuilder()
              .setModelName("m")
              .addRawInputContents(ByteString.copyFrom(new byte[padding]))
              .build()
              .toByteArray();
      if (body.length == bytes) {
        return body;
      }
      if (body.length < bytes) {
        throw new AssertionError("no padding gives " + bytes + " bytes");
      }
    }
    throw new AssertionError("no padding gives " + bytes + " bytes");
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }
}
