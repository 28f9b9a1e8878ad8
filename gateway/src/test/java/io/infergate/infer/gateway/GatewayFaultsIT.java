package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.gateway.testing.Backends;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Captured;
import io.infergate.infer.gateway.testing.RecordingBackend;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow traffic, deadlines, cancellation and malformed calls, against real model servers and a
 * backend that stalls.
 */
class GatewayFaultsIT {
  @TempDir static Path scratch;
  static RunningServer primary;
  static RunningServer shadowServer;
  static RecordingBackend stalled;
  static Gateway gateway;
  static GatewayClient client;
  static DigitsDataset one;

  @BeforeAll
  static void start() throws Exception {
    primary = Backends.digitsVersion(1, scratch);
    shadowServer = Backends.digitsVersion(2, scratch);
    stalled = RecordingBackend.start();
    gateway =
        Gateway.start(
            GatewayConfigLoader.parse(
                """
                host: 127.0.0.1
                port: 0
                reloadCheckInterval: 0s
                routes:
                  - model: digits
                    shadow: {variant: candidate, fraction: 1.0, maxInFlight: 32, timeout: 10s}
                    variants:
                      - {name: stable, weight: 1, endpoints: ["127.0.0.1:%1$d"]}
                      - {name: candidate, weight: 0, endpoints: ["127.0.0.1:%2$d"]}
                  - model: stalled-shadow
                    shadow: {variant: blackhole, fraction: 1.0, maxInFlight: 8, timeout: 60s}
                    variants:
                      - {name: stable, weight: 1, endpoints: ["127.0.0.1:%1$d"], rewrite: {model: digits}}
                      - {name: blackhole, weight: 0, endpoints: ["127.0.0.1:%3$d"]}
                  - model: stalled
                    variants:
                      - {name: blackhole, weight: 1, endpoints: ["127.0.0.1:%3$d"]}
                """
                    .formatted(
                        primary.server().port(), shadowServer.server().port(), stalled.port()),
                "test"));
    client = new GatewayClient(gateway.port());
    one = DigitsRequests.validation().head(1);
  }

  @AfterAll
  static void stop() {
    client.close();
    gateway.close();
    stalled.close();
    primary.close();
    shadowServer.close();
  }

  @Test
  void shadowCopiesAreAnsweredByTheShadowServerWhileCallersGetThePrimary() {
    for (int i = 0; i < 100; i++) {
      Captured captured = new Captured();
      ModelInferResponse response =
          client.oip(Map.of(), captured).modelInfer(DigitsRequests.oipRaw(one, "").build());
      assertThat(captured.variant()).isEqualTo("stable;version=1");
      assertThat(response.getModelVersion()).isEqualTo("1");
    }

    // sent = copies started; failed = copies the shadow server did not answer OK.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              long[] counts = gateway.routes().shadowCounts("digits");
              assertThat(counts[0] + counts[1]).isEqualTo(100);
              assertThat(counts[0]).isPositive();
              assertThat(counts[2]).isZero();
            });
  }

  @Test
  void aStalledShadowNeitherSlowsNorFailsThePrimary() {
    // Each primary call has a 2 s deadline; the shadow never answers and holds copies for 60 s.
    // Were the primary waiting on its shadow, every call would miss its deadline.
    for (int i = 0; i < 100; i++) {
      ModelInferResponse response =
          GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .modelInfer(DigitsRequests.oipRaw(one, "").setModelName("stalled-shadow").build());
      assertThat(response.getModelName()).isEqualTo("digits");
    }

    long[] counts = gateway.routes().shadowCounts("stalled-shadow");
    assertThat(counts[0]).as("copies in flight at most maxInFlight").isEqualTo(8);
    assertThat(counts[1]).as("copies dropped, never queued").isEqualTo(92);
  }

  @Test
  void theCallersDeadlineReachesTheModelServer() throws Exception {
    stalled.deadlinesMillis().clear();
    assertThatThrownBy(
            () ->
                GRPCInferenceServiceGrpc.newBlockingStub(client.channel())
                    .withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                    .modelInfer(DigitsRequests.oipRaw(one, "").setModelName("stalled").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    Long remaining = stalled.deadlinesMillis().poll(10, TimeUnit.SECONDS);
    assertThat(remaining).isNotNull().isBetween(1L, 1500L);
  }

  @Test
  void cancellingACallCancelsItAtTheModelServer() throws Exception {
    stalled.cancellations().clear();
    ClientCall<io.infergate.infer.proto.oip.v2.ModelInferRequest, ModelInferResponse> call =
        client
            .channel()
            .newCall(GRPCInferenceServiceGrpc.getModelInferMethod(), CallOptions.DEFAULT);
    var future =
        ClientCalls.futureUnaryCall(
            call, DigitsRequests.oipRaw(one, "").setModelName("stalled").build());
    int before = stalled.calls();
    await().atMost(Duration.ofSeconds(10)).until(() -> stalled.calls() > before);

    future.cancel(true);

    assertThat(stalled.cancellations().poll(10, TimeUnit.SECONDS))
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");
  }

  @Test
  void aMalformedBodyIsInvalidArgument() {
    MethodDescriptor<byte[], byte[]> raw =
        GRPCInferenceServiceGrpc.getModelInferMethod().toBuilder(Bytes.INSTANCE, Bytes.INSTANCE)
            .build();

    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    client.channel(),
                    raw,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new byte[] {0x0a, 0x7f, 'd'}))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("malformed request body");
            });
  }

  @Test
  void anUnknownMethodIsUnimplemented() {
    MethodDescriptor<byte[], byte[]> unknown =
        MethodDescriptor.<byte[], byte[]>newBuilder(Bytes.INSTANCE, Bytes.INSTANCE)
            .setFullMethodName("inference.GRPCInferenceService/ModelStreamInfer")
            .setType(MethodDescriptor.MethodType.UNARY)
            .build();

    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    client.channel(), unknown, CallOptions.DEFAULT, new byte[0]))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  /** Raw bytes, to send what no generated stub would. */
  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
