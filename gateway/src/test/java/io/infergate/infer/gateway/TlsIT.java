package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.infergate.infer.gateway.testing.CallerCredentials;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Recorder;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.Requests;
import io.infergate.infer.observability.testing.TestCertificates;
import io.infergate.infer.observability.testing.TestCertificates.Authority;
import io.infergate.infer.observability.testing.TestCertificates.Issued;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both of the gateway's sides, over loopback sockets, configured as bin/gateway is: callers
 * must present a client certificate of the configured CA (mutual TLS), and the gateway calls model
 * servers (fake backends that require client certificates too) over mutual TLS. Whatever a caller
 * gets wrong, the handshake refuses it before any handler runs, so no backend sees a call.
 */
class TlsIT {
  private static final String RELEASE_BOT = "spiffe://infergate.test/release-bot";

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private Authority ca;
  private Written gatewayFiles;
  private Path caFile;
  private FakeBackend stable;
  private FakeBackend dark;
  private Gateway gateway;

  @BeforeEach
  void start() throws IOException {
    ca = TestCertificates.authority("infergate test CA");
    caFile = ca.writeCertificate(dir, "ca");
    gatewayFiles = ca.server("gateway").written(dir, "gateway");
    Written upstreamIdentity = ca.client("gateway").written(dir, "gateway-client");
    stable = backend("stable", ca.server("model-server-a").written(dir, "stable"));
    dark = backend("dark", ca.server("model-server-b").written(dir, "dark"));
    gateway =
        gateway(
            """
                    drainTimeout: 1s
                    tls:
                      certChain: %s
                      privateKey: %s
                      clientCa: %s
                      refreshInterval: 100ms
                    upstream:
                      tls: {ca: %s, certChain: %s, privateKey: %s}
                    routes:
                      - model: digits
                        overrideHeader: x-variant-override
                        overrideAllow: {identities: ["%s"]}
                        variants:
                          - {name: stable, weight: 1, endpoints: ["%s"]}
                          - {name: dark, weight: 0, endpoints: ["%s"]}
                    """
                .formatted(
                    gatewayFiles.certificate(),
                    gatewayFiles.key(),
                    caFile,
                    caFile,
                    upstreamIdentity.certificate(),
                    upstreamIdentity.key(),
                    RELEASE_BOT,
                    stable.endpoint(),
                    dark.endpoint()));
  }

  @Test
  void aCallerWithACertificateOfTheCaIsServedOverMutualTlsOnBothHops() {
    Reply reply = client(mutual(ca.client("trainer"))).infer("digits", Map.of());

    assertThat(reply.isOk()).as("status %s", reply.status()).isTrue();
    assertThat(reply.variant()).isEqualTo("stable");
    // The backend requires a client certificate of the CA: the call reaching it proves the gateway
    // presented one.
    assertThat(stable.calls()).isEqualTo(1);
  }

  @Test
  void aPlaintextCallerIsRefusedBeforeAnyHandler() {
    assertRefused(InsecureChannelCredentials.create());
  }

  @Test
  void aCallerWithoutAClientCertificateIsRefused() throws IOException {
    assertRefused(TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build());
  }

  @Test
  void aCallerWithACertificateOfAnotherCaIsRefused() {
    assertRefused(mutual(TestCertificates.authority("some other CA").client("intruder")));
  }

  @Test
  void aCallerWithAnExpiredCertificateIsRefused() {
    Instant now = Instant.now();
    assertRefused(
        mutual(ca.client("trainer", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)))));
  }

  @Test
  void aRotatedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
    ChannelCredentials trainer = mutual(ca.client("trainer"));
    BigInteger first = servedSerial(trainer);
    Issued next = ca.server("gateway-rotated");
    assertThat(next.serial()).isNotEqualTo(first);

    next.writeTo(gatewayFiles.certificate(), gatewayFiles.key());

    await().atMost(10, TimeUnit.SECONDS).until(() -> servedSerial(trainer).equals(next.serial()));
    assertThat(client(trainer).infer("digits", Map.of()).isOk()).isTrue();
  }

  @Test
  void aHalfWrittenRotationKeepsServingTheCertificateInUse() throws Exception {
    ChannelCredentials trainer = mutual(ca.client("trainer"));
    BigInteger first = servedSerial(trainer);
    Issued next = ca.server("gateway-rotated");
    Path otherKey = dir.resolve("unrelated.key");
    next.writeTo(gatewayFiles.certificate(), otherKey);

    // The new certificate beside the old key is refused; the old pair stays in use.
    for (int i = 0; i < 5; i++) {
      assertThat(servedSerial(trainer)).isEqualTo(first);
    }
    next.writeTo(gatewayFiles.certificate(), gatewayFiles.key());
    await().atMost(10, TimeUnit.SECONDS).until(() -> servedSerial(trainer).equals(next.serial()));
  }

  @Test
  void theOverrideHeaderWorksForTheCallerIdentityTheRouteAllowsAndNoOther() {
    Map<String, String> forceDark = Map.of("x-variant-override", "dark");

    Reply ordinary = client(mutual(ca.client("trainer"))).infer("digits", forceDark);
    Reply bot = client(mutual(ca.client("release-bot", RELEASE_BOT))).infer("digits", forceDark);
    Reply byName = client(mutual(ca.client(RELEASE_BOT))).infer("digits", forceDark);

    assertThat(ordinary.variant()).isEqualTo("stable");
    assertThat(bot.variant()).isEqualTo("dark");
    assertThat(byName.variant()).isEqualTo("dark");
    assertThat(dark.calls()).isEqualTo(2);
  }

  @Test
  void aModelServerWithACertificateOfAnotherCaIsNeverCalled() throws IOException {
    FakeBackend impostor =
        backend(
            "impostor",
            TestCertificates.authority("some other CA")
                .server("impostor")
                .written(dir, "impostor"));
    Gateway toImpostor =
        gateway(
            """
                    upstream:
                      tls: {ca: %s}
                    routes:
                      - model: digits
                        variants: [{name: stable, weight: 1, endpoints: ["%s"]}]
                    """
                .formatted(caFile, impostor.endpoint()));
    ManagedChannel plaintext =
        cleanup.register(
            NettyChannelBuilder.forAddress(
                    "127.0.0.1", toImpostor.port(), InsecureChannelCredentials.create())
                .build());

    Reply reply = new GatewayClient(plaintext).infer("digits", Map.of());

    assertThat(reply.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(impostor.calls()).isZero();
  }

  /**
   * A gateway on loopback with no reload and {@code settings} (YAML lines), closed after the test.
   */
  private Gateway gateway(String settings) {
    return cleanup.register(
        Gateway.start(
            Configs.load(dir, Configs.LOOPBACK + "reloadCheckInterval: 0s\n" + settings)));
  }

  private void assertRefused(ChannelCredentials credentials) {
    Reply reply = client(credentials).infer("digits", Map.of());

    assertThat(reply.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(stable.calls() + dark.calls()).isZero();
  }

  private ChannelCredentials mutual(Issued identity) {
    return CallerCredentials.mutual(dir, caFile, identity);
  }

  private GatewayClient client(ChannelCredentials credentials) {
    return new GatewayClient(cleanup.register(channel(credentials)));
  }

  private ManagedChannel channel(ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress("localhost", gateway.port(), credentials).build();
  }

  /** The serial of the certificate the gateway presents to a new connection. */
  private BigInteger servedSerial(ChannelCredentials credentials) throws Exception {
    ManagedChannel channel = channel(credentials);
    try {
      ClientCall<byte[], byte[]> call = channel.newCall(Requests.MODEL_INFER, CallOptions.DEFAULT);
      Recorder recorder = new Recorder();
      call.start(recorder, new Metadata());
      call.sendMessage(Requests.oip("digits", ""));
      call.halfClose();
      call.request(1);
      recorder.await();
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
    } finally {
      channel.shutdownNow();
    }
  }

  private FakeBackend backend(String name, Written certificate) throws IOException {
    TlsServerCredentials credentials =
        (TlsServerCredentials)
            TlsServerCredentials.newBuilder()
                .keyManager(certificate.certificate().toFile(), certificate.key().toFile())
                .trustManager(caFile.toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    return cleanup.register(
        FakeBackend.start(
            name,
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                .directExecutor(),
            null));
  }
}
