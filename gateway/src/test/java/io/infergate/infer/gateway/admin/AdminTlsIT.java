package io.infergate.infer.gateway.admin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.gateway.testing.AdminClient;
import io.infergate.infer.gateway.testing.AdminPlane;
import io.infergate.infer.gateway.testing.CallerCredentials;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.testing.TestCertificates;
import io.infergate.infer.observability.testing.TestCertificates.Authority;
import io.infergate.infer.observability.testing.TestCertificates.Issued;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import io.infergate.infer.proto.admin.v1.AuditEntry;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port over TLS with client certificates as identities, over loopback sockets: gRPC and
 * the console on one port, certificates of the configured CA mapped to roles by {@code
 * admin.clientRoles} (their common names here), bearer tokens still accepted. Client certificates
 * are optional on this port, so that a caller without one reaches the identity check and is told
 * UNAUTHENTICATED, as on the plaintext port.
 */
class AdminTlsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private Authority ca;
  private Path caFile;
  private AdminPlane plane;

  @BeforeEach
  void start() throws IOException {
    ca = TestCertificates.authority("infergate admin test CA");
    caFile = ca.writeCertificate(dir, "ca");
    Written server = ca.server("gateway-admin").written(dir, "admin");
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    Path tokens = AdminPlane.writeTokens(dir.resolve("tokens.txt"));
    plane =
        AdminPlane.start(
            bed,
            Configs.load(
                dir,
                """
                reloadCheckInterval: 0s
                drainTimeout: 1s
                admin:
                  host: 127.0.0.1
                  port: 0
                  tokensFile: "%s"
                  stateDir: "%s"
                  tls:
                    certChain: "%s"
                    privateKey: "%s"
                    clientCa: "%s"
                    clientAuth: optional
                  clientRoles: {ci-bot: operator, vera: viewer}
                routes:
                  - model: digits
                    variants:
                      - {name: stable, weight: 90, endpoints: ["%s"]}
                      - {name: canary, weight: 10, endpoints: ["%s"]}
                """
                    .formatted(
                        tokens,
                        dir.resolve("state"),
                        server.certificate(),
                        server.key(),
                        caFile,
                        stable.endpoint(),
                        canary.endpoint())));
  }

  @Test
  void anOperatorCertificateSetsWeightsAndTheAuditLogNamesIt() {
    AdminClient bot = plane.client(mutual(ca.client("ci-bot")), null);
    long revision = bot.routes().getRevision();

    bot.setWeights("digits", Map.of("stable", 50, "canary", 50), revision, "by certificate");

    AuditEntry last = lastEntry(bot);
    assertThat(last.getIdentity()).isEqualTo("ci-bot");
    assertThat(last.getAfterMap()).containsEntry("canary", 50);
  }

  @Test
  void aViewerCertificateReadsButIsDeniedSettingWeights() {
    AdminClient vera = plane.client(mutual(ca.client("vera")), null);
    long revision = vera.routes().getRevision();

    assertThatThrownBy(() -> vera.setWeights("digits", Map.of("canary", 50), revision, "try"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription()).startsWith("vera is VIEWER");
            });
  }

  @Test
  void aCertificateWhoseNameHasNoRoleIsDeniedNamingIt() {
    AdminClient mallory =
        plane.client(
            mutual(ca.client("mallory", "spiffe://infergate.test/mallory")), /* token= */ null);

    assertThatThrownBy(mallory::routes)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .contains("spiffe://infergate.test/mallory, mallory", "admin.clientRoles");
            });
  }

  @Test
  void neitherCertificateNorTokenIsUnauthenticated() throws IOException {
    AdminClient nobody = plane.client(serverOnly(), null);

    assertThatThrownBy(nobody::routes)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aTokenNamesTheCallerEvenOnAConnectionWithACertificate() {
    AdminClient aliceAtVerasDesk = plane.client(mutual(ca.client("vera")), AdminPlane.OPERATOR);
    long revision = aliceAtVerasDesk.routes().getRevision();

    aliceAtVerasDesk.setWeights("digits", Map.of("stable", 80, "canary", 20), revision, "token");

    assertThat(lastEntry(aliceAtVerasDesk).getIdentity()).isEqualTo("alice");
  }

  @Test
  void anUnknownTokenIsUnauthenticatedEvenWithAnOperatorCertificate() {
    AdminClient bot = plane.client(mutual(ca.client("ci-bot")), "not-a-token-of-the-file");

    assertThatThrownBy(bot::routes)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aCertificateOfAnotherCaFailsTheHandshake() {
    // Presented whatever CAs the server names: a client's own key manager would send no
    // certificate of another CA, and this one must reach the server's check.
    AdminClient intruder =
        plane.client(
            TlsChannelCredentials.newBuilder()
                .trustManager(trustOnly())
                .keyManager(
                    new AlwaysPresenting(
                        TestCertificates.authority("some other CA").client("ci-bot")))
                .build(),
            null);

    assertThatThrownBy(intruder::routes)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aPlaintextClientIsRefused() {
    AdminClient plaintext = plane.client(InsecureChannelCredentials.create(), AdminPlane.ADMIN);

    assertThatThrownBy(plaintext::routes)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void theConsoleBridgesHeaderNamesNoIdentityFromOutside() throws Exception {
    // gRPC straight to the port with the bridge's own header: read nowhere on that server.
    Metadata forged = new Metadata();
    forged.put(
        Metadata.Key.of("infergate-console-certificate-name-bin", Metadata.BINARY_BYTE_MARSHALLER),
        "ci-bot".getBytes(UTF_8));
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", plane.adminPort(), serverOnly()).build());
    assertThatThrownBy(
            () ->
                GatewayAdminGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getRoutes(GetRoutesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

    // The console, from a browser without a certificate, with the same header: not passed on.
    HttpResponse<String> console =
        https(null)
            .send(
                api("GetRoutes", "{}")
                    .header("infergate-console-certificate-name-bin", "Y2ktYm90")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(console.statusCode()).isEqualTo(401);
  }

  @Test
  void theConsoleOverHttpsServesThePageAndBridgesCallsAsTheCertificate() throws Exception {
    HttpClient vera = https(ca.client("vera"));

    HttpResponse<String> page =
        vera.send(
            HttpRequest.newBuilder(uri("/")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"/console.js\"");

    HttpResponse<String> routes =
        vera.send(api("GetRoutes", "{}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(routes.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(routes.body());
    assertThat(body.path("routes").get(0).path("model").asText()).isEqualTo("digits");

    String write =
        "{\"model\": \"digits\", \"weights\": {\"canary\": 30, \"stable\": 70},"
            + " \"basedOnRevision\": \""
            + body.path("revision").asText()
            + "\", \"reason\": \"console\"}";
    HttpResponse<String> denied =
        vera.send(api("SetWeights", write).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(denied.body()).path("message").asText()).startsWith("vera is VIEWER");

    HttpResponse<String> written =
        https(ca.client("ci-bot"))
            .send(api("SetWeights", write).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    assertThat(lastEntry(plane.client(mutual(ca.client("vera")), null)).getIdentity())
        .isEqualTo("ci-bot");
  }

  @Test
  void aBrowserOfferingBothProtocolsGetsHttp11AndThePage() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {trustOnly()}, null);
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", plane.adminPort())) {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      // As browsers offer them.
      parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");

      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII));
      socket.getOutputStream().flush();
      String reply = new String(socket.getInputStream().readAllBytes(), UTF_8);
      assertThat(reply).startsWith("HTTP/1.1 200 OK").contains("<script src=\"/console.js\"");
    }
  }

  @Test
  void theConsoleRefusesABodyNotDeclaredJson() throws Exception {
    HttpResponse<String> response =
        https(ca.client("ci-bot"))
            .send(
                HttpRequest.newBuilder(uri("/api/v1/GetRoutes"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(415);
  }

  private static AuditEntry lastEntry(AdminClient client) {
    List<AuditEntry> entries = client.history("digits").getEntriesList();
    return entries.get(entries.size() - 1);
  }

  private ChannelCredentials mutual(Issued identity) {
    return CallerCredentials.mutual(dir, caFile, identity);
  }

  private TrustManager trustOnly() {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", ca.self().certificate());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      return trust.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ChannelCredentials serverOnly() throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
  }

  private URI uri(String path) {
    return URI.create("https://127.0.0.1:" + plane.adminPort() + path);
  }

  private HttpRequest.Builder api(String method, String json) {
    return HttpRequest.newBuilder(uri("/api/v1/" + method))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  /** An HTTP/1.1 client trusting the test CA, presenting {@code identity} (null: none). */
  private HttpClient https(Issued identity) throws GeneralSecurityException, IOException {
    KeyManagerFactory keys = null;
    if (identity != null) {
      char[] password = "test".toCharArray();
      KeyStore own = KeyStore.getInstance("PKCS12");
      own.load(null, null);
      own.setKeyEntry(
          "client", identity.key(), password, new Certificate[] {identity.certificate()});
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(own, password);
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {trustOnly()}, null);
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** A client key manager that presents its one certificate to any server, whatever CA it asks. */
  private static final class AlwaysPresenting extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final Issued identity;

    AlwaysPresenting(Issued identity) {
      this.identity = identity;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {identity.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return identity.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
