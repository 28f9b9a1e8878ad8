package io.infergate.infer.observability.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.observability.testing.TestCertificates;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import io.infergate.infer.observability.transport.ServerTls.ClientAuth;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks and defaults of {@link ServerTls} and {@link ClientTls}, each problem named. */
class TlsSettingsTest {
  @TempDir Path dir;

  private Written pair;
  private Path ca;

  @BeforeEach
  void files() {
    TestCertificates.Authority authority = TestCertificates.authority("test CA");
    ca = authority.writeCertificate(dir, "ca");
    pair = authority.server("server").written(dir, "server");
  }

  @Test
  void aClientCaMeansMutualTlsUnlessSaidOtherwise() {
    assertThat(new ServerTls(pair.certificate(), pair.key(), ca, null, null).clientAuth())
        .isEqualTo(ClientAuth.REQUIRE);
    assertThat(
            new ServerTls(pair.certificate(), pair.key(), ca, ClientAuth.OPTIONAL, null).mutual())
        .isFalse();
    ServerTls plain = new ServerTls(pair.certificate(), pair.key(), null, null, null);
    assertThat(plain.clientAuth()).isEqualTo(ClientAuth.NONE);
    assertThat(plain.refreshInterval()).isEqualTo(ServerTls.DEFAULT_REFRESH_INTERVAL);
    assertThat(plain.describe()).isEqualTo("TLS");
  }

  @Test
  void everyProblemOfAServerBlockIsNamedAtOnce() {
    assertThatThrownBy(
            () ->
                new ServerTls(
                    null,
                    dir.resolve("absent.key"),
                    null,
                    ClientAuth.REQUIRE,
                    Duration.ofSeconds(-1)))
        .hasMessage(
            String.join(
                "\n",
                "certChain: missing (expected: a PEM file)",
                "privateKey: " + dir.resolve("absent.key") + " (expected: a readable PEM file)",
                "clientAuth: require (expected: none without a clientCa to check client certificates"
                    + " against)",
                "refreshInterval: -1s (expected: a duration in 0s..24h)"));
  }

  @Test
  void theRefreshIntervalIsBoundedAtADay() {
    assertThat(
            new ServerTls(pair.certificate(), pair.key(), null, null, Duration.ofDays(1))
                .refreshInterval())
        .isEqualTo(Duration.ofDays(1));
    assertThat(
            new ServerTls(pair.certificate(), pair.key(), null, null, Duration.ZERO)
                .refreshInterval())
        .isZero();
    assertThatThrownBy(
            () ->
                new ServerTls(
                    pair.certificate(), pair.key(), null, null, Duration.ofDays(1).plusSeconds(1)))
        .hasMessage("refreshInterval: 24h0m1s (expected: a duration in 0s..24h)");
  }

  @Test
  void clientAuthIsReadByItsConfigNameOnly() {
    assertThat(ClientAuth.of("optional")).isEqualTo(ClientAuth.OPTIONAL);
    assertThatThrownBy(() -> ClientAuth.of("REQUIRE"))
        .hasMessage("\"REQUIRE\" (expected: none, optional or require)");
  }

  @Test
  void aClientCertificateNeedsItsKey() {
    assertThat(new ClientTls(ca, null, null, null).mutual()).isFalse();
    assertThat(new ClientTls(null, pair.certificate(), pair.key(), null).mutual()).isTrue();
    assertThatThrownBy(() -> new ClientTls(ca, pair.certificate(), null, null))
        .hasMessage(
            "privateKey: missing (expected: certChain and privateKey together, or neither)");
  }

  @Test
  void unusableKeyMaterialIsRefusedAtLoadNamingTheFiles() {
    Path notPem = dir.resolve("server.key");
    TestCertificates.authority("other").server("x").writeTo(dir.resolve("x.crt"), notPem);
    ServerTls mismatched = new ServerTls(pair.certificate(), notPem, null, null, null);

    assertThatThrownBy(() -> TlsCredentials.forServer(mismatched))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "["
                + pair.certificate()
                + ", "
                + notPem
                + "]: the private key is not the key of certificate CN=server");
  }
}
