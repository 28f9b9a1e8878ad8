package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.testing.ChildGateway;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Oversized and over-inflating requests cost the gateway little heap: the gateway runs in a JVM of
 * its own with its default {@code maxInboundMessageBytes} (64 MiB), so that what it allocates is
 * measured apart from the test's client, which builds and sends 65 MiB and 100 MiB messages.
 *
 * <p>What is measured is every byte the gateway's threads allocate while it refuses one request,
 * garbage included: an upper bound of how much its heap could have grown, not a sample of it.
 */
class GatewayHeapIT {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHeapIT.class);
  private static final long HEAP_GROWTH_LIMIT_BYTES = 100_000_000;

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private FakeBackend backend;
  private ChildGateway gateway;
  private GatewayClient client;

  @BeforeEach
  void start() throws IOException {
    backend = cleanup.register(Transport.loopback().backend("stable"));
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        Configs.LOOPBACK
            // The backend counts calls; warm-up calls would be among them.
            + "warmup: {enabled: false}\n"
            + Configs.soleRoute(backend),
        StandardCharsets.UTF_8);
    gateway = ChildGateway.start(config, dir.resolve("gateway.log"));
    client =
        new GatewayClient(
            cleanup.register(
                NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                    .usePlaintext()
                    .build()));
    // The first call loads the classes and fills the pools that every call after it uses.
    assertThat(client.infer("m", Map.of()).status().getCode()).isEqualTo(Status.Code.OK);
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void a65MiBRequestIsRefusedWithoutBufferingIt() throws IOException {
    byte[] request = oipWithZeros(65 << 20);

    Measured measured = measure(request, CallOptions.DEFAULT);

    assertThat(measured.reply().status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // grpc-java reads the length in the message's 5-byte prefix and refuses it there, before
    // reading the body: the gateway allocates far less than the message.
    assertThat(measured.allocatedBytes()).isLessThan(8 << 20);
    assertThatTheGatewayServesOn(measured);
  }

  @Test
  void aGzipRequestInflatingTo100MiBOfZerosIsRefusedWithinTheLimit() throws IOException {
    byte[] request = oipWithZeros(100 << 20);

    Measured measured = measure(request, CallOptions.DEFAULT.withCompression("gzip"));

    assertThat(measured.reply().status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // The compressed message is read whole, then inflated into the marshaller until it passes
    // maxInboundMessageBytes: the gateway holds up to the limit, never the inflated whole.
    assertThat(measured.allocatedBytes()).isBetween(64L << 20, HEAP_GROWTH_LIMIT_BYTES);
    assertThatTheGatewayServesOn(measured);
  }

  private Measured measure(byte[] request, CallOptions options) throws IOException {
    long heapBefore = gateway.heapUsedAfterGc();
    long allocatedBefore = gateway.allocatedBytes();

    Reply reply =
        client.unary(
            Requests.MODEL_INFER,
            request,
            Map.of(),
            options.withDeadlineAfter(60, TimeUnit.SECONDS));

    long allocated = gateway.allocatedBytes() - allocatedBefore;
    long retained = gateway.heapUsedAfterGc() - heapBefore;
    Measured measured = new Measured(reply, allocated, retained);
    LOG.info(
        "{} byte request{}: {}, gateway allocated {} bytes while refusing it, retained {} bytes",
        request.length,
        options.getCompressor() == null ? "" : " (" + options.getCompressor() + ")",
        reply.status(),
        allocated,
        retained);
    return measured;
  }

  private void assertThatTheGatewayServesOn(Measured measured) throws IOException {
    assertThat(measured.allocatedBytes()).isLessThan(HEAP_GROWTH_LIMIT_BYTES);
    assertThat(measured.retainedBytes()).isLessThan(HEAP_GROWTH_LIMIT_BYTES);
    assertThat(backend.calls()).isEqualTo(1); // the warm-up call only
    assertThat(client.infer("m", Map.of()).status().getCode()).isEqualTo(Status.Code.OK);
    assertThat(gateway.isAlive()).as(gateway.log()).isTrue();
  }

  private static byte[] oipWithZeros(int bytes) {
    return ModelInferRequest.newBuilder()
        .setModelName("m")
        .addRawInputContents(ByteString.copyFrom(new byte[bytes]))
        .build()
        .toByteArray();
  }

  /**
   * One refused request as the gateway saw it.
   *
   * @param allocatedBytes what the gateway's threads allocated from before the call to its answer
   * @param retainedBytes the gateway's heap after a full GC, less the same before the call
   */
  private record Measured(Reply reply, long allocatedBytes, long retainedBytes) {}
}
