package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
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
            TestConfigs.of(
                TestRepository.shared(),
                "connections: {maxConcurrentCallsPerConnection: "
                    + MAX_CALLS_PER_CONNECTION
                    + ", maxInboundMetadataBytes: "
                    + MAX_METADATA_BYTES
                    + "}"));
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
      watchCall(first, answered);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() == MAX_CALLS_PER_CONNECTION);

    watchCall(first, answered);
    // Another connection has places of its own: its call is answered while the first's third
    // still waits in its client for a stream.
    watchCall(channel(), answered);
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() == 3);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> answered.get() == 3);

    // That the waiting call starts once a place frees: GatewayLimitsIT (calls ending normally) and
    // the test below (calls cancelled).
  }

  /**
   * Netty's {@code StreamBufferingEncoder}, which holds grpc-java's calls past the server's
   * MAX_CONCURRENT_STREAMS, writes a waiting call's HEADERS when a stream closes; a cancel closes
   * its stream once its RST_STREAM has been flushed, so those HEADERS are written inside that flush
   * and wait for the connection's next one (any call, answer or ping). A server's answer ending a
   * call is read, and a read ends in a flush: that case needs nothing more (GatewayLimitsIT's).
   */
  @Test
  void aCallWaitingForAPlaceAfterACancelStartsWithTheConnectionsNextWrite() {
    ManagedChannel first = channel();
    AtomicInteger answered = new AtomicInteger();
    List<ClientCall<HealthCheckRequest, HealthCheckResponse>> held = new ArrayList<>();
    for (int i = 0; i < MAX_CALLS_PER_CONNECTION; i++) {
      held.add(watchCall(first, answered));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() == MAX_CALLS_PER_CONNECTION);
    watchCall(first, answered);

    held.get(0).cancel("the caller went away", null);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(() -> answered.get() == MAX_CALLS_PER_CONNECTION);
    watchCall(first, answered);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> answered.get() == MAX_CALLS_PER_CONNECTION + 1);
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

  /** A health Watch that stays open until cancelled; counts its first answer. */
  private static ClientCall<HealthCheckRequest, HealthCheckResponse> watchCall(
      ManagedChannel channel, AtomicInteger answered) {
    ClientCall<HealthCheckRequest, HealthCheckResponse> call =
        channel.newCall(HealthGrpc.getWatchMethod(), CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          private boolean first = true;

          @Override
          public void onMessage(HealthCheckResponse message) {
            if (first) {
              first = false;
              answered.incrementAndGet();
            }
          }
        },
        new Metadata());
    call.sendMessage(HealthCheckRequest.getDefaultInstance());
    call.halfClose();
    call.request(1);
    return call;
  }
}
