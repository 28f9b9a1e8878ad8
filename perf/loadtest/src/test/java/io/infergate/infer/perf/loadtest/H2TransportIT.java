package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.infergate.infer.observability.transport.RawMarshaller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 fast path against a real grpc-java server that limits what a client may send: small
 * flow-control windows, few concurrent streams, a shutdown with calls in flight; and a peer that
 * closes the connection before it speaks HTTP/2.
 */
class H2TransportIT {
  private static final String METHOD = "test.Sink/Take";
  private static final long SECOND = 1_000_000_000L;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private Server server;
  private H2Transport h2;

  @AfterEach
  void close() throws InterruptedException {
    if (h2 != null) {
      h2.close();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    timer.shutdownNow();
  }

  /**
   * Starts a server whose one method answers OK after {@code delayMillis} (never when negative) if
   * the request is {@code expected}, else INVALID_ARGUMENT.
   */
  private int start(NettyServerBuilder builder, byte[] expected, long delayMillis)
      throws Exception {
    MethodDescriptor<byte[], byte[]> method = RawMarshaller.unary(METHOD);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("test.Sink")
            .addMethod(
                method,
                ServerCalls.asyncUnaryCall(
                    (request, out) -> {
                      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                      Runnable answer =
                          () -> {
                            inFlight.decrementAndGet();
                            if (Arrays.equals(request, expected)) {
                              out.onNext(new byte[0]);
                              out.onCompleted();
                            } else {
                              out.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                            }
                          };
                      if (delayMillis == 0) {
                        answer.run();
                      } else if (delayMillis > 0) {
                        timer.schedule(answer, delayMillis, TimeUnit.MILLISECONDS);
                      }
                    }))
            .build();
    server = builder.addService(service).build().start();
    return server.getPort();
  }

  private List<CompletableFuture<Status>> calls(int port, byte[] body, int count)
      throws InterruptedException {
    h2 = H2Transport.connect("127.0.0.1", port, "127.0.0.1", METHOD, 0, "x-variant", 1, 1, SECOND);
    List<CompletableFuture<Status>> ended = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CompletableFuture<Status> f = new CompletableFuture<>();
      ended.add(f);
      h2.call(0, body, null, 0, (status, variant) -> f.complete(status));
    }
    return ended;
  }

  private static List<Status.Code> codes(List<CompletableFuture<Status>> ended) throws Exception {
    List<Status.Code> codes = new ArrayList<>();
    for (CompletableFuture<Status> f : ended) {
      codes.add(f.get(10, TimeUnit.SECONDS).getCode());
    }
    return codes;
  }

  @Test
  void sendsBodiesLargerThanTheServersWindowsInFlowControlledFrames() throws Exception {
    byte[] body = new byte[200_000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31);
    }
    int port =
        start(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .flowControlWindow(16 * 1024)
                .maxInboundMessageSize(1 << 20),
            body,
            0);

    List<Status.Code> codes = codes(calls(port, body, 8));

    assertThat(codes).containsOnly(Status.Code.OK).hasSize(8);
  }

  @Test
  void queuesCallsBeyondTheServersConcurrentStreamLimit() throws Exception {
    byte[] body = {1, 2, 3};
    int port =
        start(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxConcurrentCallsPerConnection(2),
            body,
            20);

    List<Status.Code> codes = codes(calls(port, body, 10));

    assertThat(codes).containsOnly(Status.Code.OK).hasSize(10);
    assertThat(mostInFlight.get()).isEqualTo(2);
  }

  @Test
  void endsCallsInFlightAsCancelledWhenTheServerResetsThemOnStopping() throws Exception {
    byte[] body = {1, 2, 3};
    int port =
        start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), body, -1);
    List<CompletableFuture<Status>> ended = calls(port, body, 4);
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> inFlight.get() == 4);

    server.shutdownNow();

    assertThat(codes(ended)).containsOnly(Status.Code.CANCELLED).hasSize(4);
  }

  @Test
  void endsWaitingCallsAsUnavailableWhenThePeerClosesBeforeItsSettings() throws Exception {
    try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> closed =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = peer.accept()) {
                  s.getInputStream().readNBytes(24); // the preface, then a close: no SETTINGS
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      List<CompletableFuture<Status>> ended = calls(peer.getLocalPort(), new byte[] {1}, 3);
      closed.get(10, TimeUnit.SECONDS);

      assertThat(codes(ended)).containsOnly(Status.Code.UNAVAILABLE).hasSize(3);
    }
  }

  @Test
  void answersARequestItDoesNotExpectWithTheServersStatus() throws Exception {
    int port =
        start(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
            new byte[] {9},
            0);

    assertThat(codes(calls(port, new byte[] {1}, 3)))
        .containsOnly(Status.Code.INVALID_ARGUMENT)
        .hasSize(3);
  }
}
