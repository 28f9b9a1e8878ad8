package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.transport.ConnectionLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model server's {@code connections} limits over loopback sockets, with health Watch calls as
 * calls that stay open: one connection holds calls up to its limit and the next waits, while
 * another connection is served; and metadata over its limit is refused.
 */
class ConnectionLimitsIT {
  private static final int MAX_CALLS_PER_CONNECTION = 2;
  private static final int MAX_METADATA_BYTES = 2048;
  private static final Metadata.Key<String> PAD =
      Metadata.Key.of("x-pad", Metadata.ASCII_STRING_MARSHALLER);

  private static RunningServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        RunningServer.start(
            new ModelServerConfig(
                "127.0.0.1",
                0,
                TestRepository.shared(),
                2,
                null,
                64 << 20,
                Duration.ofSeconds(5),
                BatchingConfig.DISABLED,
                null,
                null,
                null,
                new ConnectionLimits(
                    MAX_CALLS_PER_CONNECTION,
                    MAX_METADATA_BYTES,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
                null));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeChannels() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  @Test
  void oneConnectionHoldsCallsUpToItsLimitAndTheNextWaits() {
    ManagedChannel first = channel();
    AtomicInteger answered = new AtomicInteger();
    for (int i = 0; i < MAX_CALLS_PER_CONNECTION; i++) {
      watch(first, answered);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() == MAX_CALLS_PER_CONNECTION);

    watch(first, answered);
    // Another connection has places of its own: its call is answered while the first's third
    // still waits in its client for a stream.
    watch(channel(), answered);
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() == 3);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> answered.get() == 3);

    // (That the waiting call starts once a place frees is GatewayLimitsIT's: there the calls end
    // normally. Here, cancelling the calls in flight did not reliably start it within 10 s:
    // grpc-java's client buffering under MAX_CONCURRENT_STREAMS, not yet investigated.)
  }

  @Test
  void metadataWithinTheLimitIsServedAndOverItIsRefused() {
    ManagedChannel channel = channel();

    assertThat(check(channel, "p".repeat(MAX_METADATA_BYTES / 2)).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThatThrownBy(() -> check(channel, "p".repeat(MAX_METADATA_BYTES)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
  }

  private ManagedChannel channel() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.server().port()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static HealthCheckResponse check(ManagedChannel channel, String pad) {
    Metadata headers = new Metadata();
    headers.put(PAD, pad);
    return HealthGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  /** A health Watch that stays open; counts its first answer. */
  private static void watch(ManagedChannel channel, AtomicInteger answered) {
    HealthGrpc.newStub(channel)
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<>() {
              private boolean first = true;

              @Override
              public void onNext(HealthCheckResponse value) {
                if (first) {
                  first = false;
                  answered.incrementAndGet();
                }
              }

              @Override
              public void onError(Throwable t) {
                // The channel's shutdown after the test.
              }

              @Override
              public void onCompleted() {}
            });
  }
}
