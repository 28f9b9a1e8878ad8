package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.testing.TestCertificates;
import io.infergate.infer.observability.testing.TestCertificates.Authority;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import io.infergate.infer.observability.transport.ServerTls;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model server's port over mutual TLS, on a loopback socket: a client with a certificate of the
 * configured CA is served; a plaintext client or one without a certificate is refused in the
 * handshake; key material that cannot be used stops start-up with the file named.
 */
class TlsIT {
  @TempDir Path dir;

  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  @Test
  void aClientWithACertificateOfTheCaIsServedAndOthersAreRefused() throws Exception {
    Authority ca = TestCertificates.authority("infergate test CA");
    Path caFile = ca.writeCertificate(dir, "ca");
    Written server = ca.server("model-server").written(dir, "server");
    Written client = ca.client("gateway").written(dir, "client");

    try (ModelServer modelServer =
        ModelServer.start(
            config(new ServerTls(server.certificate(), server.key(), caFile, null, null)))) {
      int port = modelServer.port();

      assertThat(
              ready(
                  port,
                  TlsChannelCredentials.newBuilder()
                      .trustManager(caFile.toFile())
                      .keyManager(client.certificate().toFile(), client.key().toFile())
                      .build()))
          .isTrue();
      assertRefused(port, InsecureChannelCredentials.create());
      assertRefused(port, TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build());
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsStartUpNamingTheFiles() throws Exception {
    Authority ca = TestCertificates.authority("infergate test CA");
    Written server = ca.server("model-server").written(dir, "server");
    Written other = ca.server("other").written(dir, "other");

    assertThatThrownBy(
            () ->
                ModelServer.start(
                    config(new ServerTls(server.certificate(), other.key(), null, null, null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(server.certificate().toString())
        .hasMessageContaining(other.key().toString())
        .hasMessageContaining("the private key is not the key of certificate CN=model-server");
  }

  private boolean ready(int port, ChannelCredentials credentials) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port, credentials).build();
    channels.add(channel);
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .serverReady(ServerReadyRequest.getDefaultInstance())
        .getReady();
  }

  private void assertRefused(int port, ChannelCredentials credentials) {
    assertThatThrownBy(() -> ready(port, credentials))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private static ModelServerConfig config(ServerTls tls) throws Exception {
    String clientCa = tls.clientCa() == null ? "" : ", clientCa: '" + tls.clientCa() + "'";
    return TestConfigs.of(
        TestRepository.shared(),
        "reflection: false\ntls: {certChain: '%s', privateKey: '%s'%s}"
            .formatted(tls.certChain(), tls.privateKey(), clientCa));
  }
}
