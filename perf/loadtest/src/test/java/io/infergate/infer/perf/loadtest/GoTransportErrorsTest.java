package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** grpc-go's (v1.56) wording of the JDK's and Netty's transport failures. */
class GoTransportErrorsTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 50123);
  private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 8080);
  private static final String WHILE_DIALING =
      "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while"
          + " dialing: dial tcp ";

  private static String text(Throwable cause, InetSocketAddress local, InetSocketAddress remote) {
    Status st = Status.UNAVAILABLE.withDescription("io exception").withCause(cause);
    return Recorder.errorText(GoTransportErrors.inGoWords(st, local, remote));
  }

  @Test
  void connectionRefusedNamesTheAddressFromNettysMessage() {
    // Netty's AnnotatedConnectException is a ConnectException with the address appended
    IOException refused = new ConnectException("Connection refused: localhost/127.0.0.1:1");
    assertThat(text(new IOException("wrapped", refused), null, null))
        .isEqualTo(WHILE_DIALING + "127.0.0.1:1: connect: connection refused\"");
  }

  @Test
  void connectTimeoutIsGosIoTimeout() {
    IOException timeout = new ConnectException("connection timed out: /10.0.0.1:80");
    assertThat(text(timeout, null, null)).isEqualTo(WHILE_DIALING + "10.0.0.1:80: i/o timeout\"");
  }

  @Test
  void resetNamesBothEndsOfTheConnection() {
    IOException reset = new IOException("recvAddress(..) failed: Connection reset by peer");
    assertThat(text(reset, LOCAL, REMOTE))
        .isEqualTo(
            "rpc error: code = Unavailable desc = error reading from server: read tcp"
                + " 127.0.0.1:50123->127.0.0.1:8080: read: connection reset by peer");
  }

  @Test
  void tlsFailuresAreAuthenticationHandshakeFailures() {
    String unknownCa =
        text(
            new SSLHandshakeException(
                "PKIX path building failed: unable to find valid certification path to requested"
                    + " target"),
            null,
            REMOTE);
    assertThat(unknownCa)
        .isEqualTo(
            "rpc error: code = Unavailable desc = connection error: desc = \"transport:"
                + " authentication handshake failed: x509: certificate signed by unknown"
                + " authority\"");
  }

  @Test
  void otherFailuresKeepTheirDescription() {
    Status st = Status.INTERNAL.withDescription("boom").withCause(new IOException("other"));
    assertThat(GoTransportErrors.inGoWords(st, LOCAL, REMOTE)).isSameAs(st);
    Status noCause = Status.UNAVAILABLE.withDescription("server sent GOAWAY");
    assertThat(GoTransportErrors.inGoWords(noCause, LOCAL, REMOTE)).isSameAs(noCause);
  }
}
