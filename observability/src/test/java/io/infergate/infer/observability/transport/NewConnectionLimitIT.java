package io.infergate.infer.observability.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.infergate.infer.observability.testing.NewConnections;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limit on new connections per source address over loopback sockets, on a gRPC server built as
 * both servers build theirs: connections within the burst are served (the server sends its HTTP/2
 * SETTINGS), those past it are closed before the server writes a byte.
 */
class NewConnectionLimitIT {
  private static final int BURST = 3;

  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  @Test
  void connectionsWithinTheBurstAreServedAndThosePastItAreClosedAtAccept() throws Exception {
    NettyTransport transport = transport();
    NewConnections connections = connections(start(transport, limits(1, BURST)));
    long started = System.nanoTime();

    for (int i = 0; i < BURST; i++) {
      assertThat(connections.openOneMore()).as("connection %d of the burst", i).isTrue();
    }
    int servedPast = 0;
    for (int i = 0; i < BURST; i++) {
      servedPast += connections.openOneMore() ? 1 : 0;
    }

    // One connection a second comes back: only a test taking seconds per connection would see one
    // of these served, and then no more than one a second.
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertThat(servedPast).isLessThanOrEqualTo((int) seconds);
    assertThat(transport.refusedConnections()).isEqualTo(BURST - servedPast);
  }

  @Test
  void aSourceRetryingFasterThanTheRateStaysRefusedUntilItPausesForAnInterval() throws Exception {
    NettyTransport transport = transport();
    // 1 a second: an interval of 1 s, far longer than a refused loopback connection takes even on
    // a loaded machine, so back-to-back retries always come within an interval of each other.
    NewConnections connections = connections(start(transport, limits(1, BURST)));
    for (int i = 0; i < BURST; i++) {
      assertThat(connections.openOneMore()).as("connection %d of the burst", i).isTrue();
    }

    // Retrying back to back for 2.5 s: at 1 a second, 2 would be served without the penalty.
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
    int attempts = 0;
    int served = 0;
    while (System.nanoTime() - end < 0) {
      attempts++;
      served += connections.openOneMore() ? 1 : 0;
    }

    assertThat(served).as("served of %d retries", attempts).isZero();
    assertThat(transport.refusedConnections()).isEqualTo(attempts);
    // Polled less often than once an interval, the source is served again.
    await()
        .pollDelay(Duration.ofMillis(1_200))
        .pollInterval(Duration.ofMillis(1_200))
        .atMost(Duration.ofSeconds(10))
        .until(connections::openOneMore);
  }

  @Test
  void zeroTurnsTheLimitOff() throws Exception {
    NettyTransport transport = transport();
    NewConnections connections = connections(start(transport, limits(0, 1)));

    for (int i = 0; i < 4 * BURST; i++) {
      assertThat(connections.openOneMore()).as("connection %d", i).isTrue();
    }
    assertThat(transport.refusedConnections()).isZero();
  }

  private NettyTransport transport() {
    NettyTransport transport = NettyTransport.create("new-connection-limit-it", 1);
    closeAfter.add(transport);
    return transport;
  }

  private int start(NettyTransport transport, ConnectionLimits limits) throws IOException {
    Server server =
        transport
            .server("127.0.0.1", 0, InsecureServerCredentials.create(), limits)
            .directExecutor()
            .build()
            .start();
    closeAfter.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return server.getPort();
  }

  private NewConnections connections(int port) {
    NewConnections connections = new NewConnections("127.0.0.1", port);
    closeAfter.add(connections);
    return connections;
  }

  private static ConnectionLimits limits(int perSecond, int burst) {
    return new ConnectionLimits(
        null, null, null, null, null, null, null, null, null, perSecond, burst);
  }
}
