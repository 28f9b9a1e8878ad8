package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.RawHttp2Client;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.testing.Http2Frames.GoAway;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long a connection to the gateway may live and how often its client may ping ({@code
 * connections.*}, set by the same {@code ConnectionLimits} on the model server), over loopback
 * sockets, seen frame by frame by a raw HTTP/2 client: the GOAWAY each limit sends, with the reason
 * grpc-java writes in its debug data.
 */
class ConnectionLifetimeIT {
  private static final long NO_ERROR = 0x0;
  private static final long ENHANCE_YOUR_CALM = 0xb;
  private static final String INFER = "/" + Requests.MODEL_INFER.getFullMethodName();

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private FakeBackend backend;

  @BeforeEach
  void startBackend() throws IOException {
    backend = cleanup.register(Transport.loopback().backend("stable"));
  }

  @Test
  void aClientPingingMoreOftenThanPermittedIsToldToCalmDown() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(gateway("permitKeepAliveTime: 1h").port())) {
      // grpc-java forgives two pings too early (its MAX_PING_STRIKES), answers the third (Netty
      // acknowledges before grpc-java counts it), then ends the connection.
      client.ping().get(10, TimeUnit.SECONDS);
      client.ping().get(10, TimeUnit.SECONDS);
      assertThat(client.goAway()).isNotDone();

      client.ping();

      assertThat(client.goAway().get(10, TimeUnit.SECONDS))
          .isEqualTo(new GoAway(ENHANCE_YOUR_CALM, "too_many_pings"));
      client.closed().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(gateway("maxConnectionIdle: 1s").port())) {
      assertThat(client.goAway().get(10, TimeUnit.SECONDS))
          .isEqualTo(new GoAway(NO_ERROR, "max_idle"));
      client.closed().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAgedConnectionLetsItsCallInFlightFinishWithinTheGrace() throws Exception {
    try (RawHttp2Client client = agedAfterOneSecond("1h")) {
      CompletableFuture<String> call = heldCallUntilGoAway(client);

      backend.releaseHeld();

      assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("0");
      client.closed().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAgedConnectionsCallStillInFlightAfterTheGraceIsCancelled() throws Exception {
    try (RawHttp2Client client = agedAfterOneSecond("1s")) {
      CompletableFuture<String> call = heldCallUntilGoAway(client);

      client.closed().get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      // The gateway cancels the call it forwarded, so the model server stops working on it.
      assertThat(backend.cancellations().poll(10, TimeUnit.SECONDS))
          .isEqualTo(Requests.MODEL_INFER.getFullMethodName());
    }
  }

  /** A connection to a gateway that ages connections out after 1 s, with {@code grace}. */
  private RawHttp2Client agedAfterOneSecond(String grace) throws IOException, InterruptedException {
    return new RawHttp2Client(
        gateway("maxConnectionAge: 1s, maxConnectionAgeGrace: " + grace).port());
  }

  /**
   * Starts a call that the backend holds, then waits for the GOAWAY that ages {@code client}'s
   * connection out; returns the call, still in flight.
   */
  private CompletableFuture<String> heldCallUntilGoAway(RawHttp2Client client) throws Exception {
    backend.behaveByDefault("hold");
    CompletableFuture<String> call = client.call(INFER, Requests.oip("m", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.held() == 1);
    assertThat(client.goAway().get(10, TimeUnit.SECONDS))
        .isEqualTo(new GoAway(NO_ERROR, "max_age"));
    return call;
  }

  private Gateway gateway(String connections) throws IOException {
    return cleanup.register(
        Gateway.start(
            Configs.load(
                dir,
                Configs.LOOPBACK
                    + "connections: {"
                    + connections
                    + "}\n"
                    + Configs.soleRoute(backend))));
  }
}
