package io.infergate.infer.gateway.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.observability.testing.TestCertificates;
import io.infergate.infer.observability.testing.TestCertificates.Authority;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import io.infergate.infer.observability.transport.ServerTls;
import io.infergate.infer.observability.transport.TlsCredentials;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * gatewayctl's TLS flags over real sockets. The admin port does not serve TLS yet, so the server
 * here is a stand-in: the project's own TLS server credentials, requiring a client certificate, in
 * front of a GatewayAdmin that answers GetRoutes and notes the certificate it was shown.
 */
class GatewayCtlTlsIT {
  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private final Queue<String> callers = new ConcurrentLinkedQueue<>();
  private Authority ca;
  private Written client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.authority("admin-ca");
    Written server = ca.server("gateway-admin").written(dir, "server");
    client = ca.client("alice").written(dir, "alice");
    TlsCredentials tls =
        cleanup.register(
            TlsCredentials.forServer(
                new ServerTls(
                    server.certificate(),
                    server.key(),
                    ca.writeCertificate(dir, "ca"),
                    ServerTls.ClientAuth.REQUIRE,
                    Duration.ZERO)));
    Server admin =
        cleanup.register(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), tls.server())
                .addService(ServerInterceptors.intercept(new Routes(), new NoteCaller()))
                .build()
                .start());
    port = admin.getPort();
  }

  @Test
  void mutualTlsReachesTheAdminPortWithTheClientCertificate() {
    CtlRun run =
        get(
            dir.resolve("ca.crt"),
            "--cert",
            client.certificate().toString(),
            "--key",
            client.key().toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("revision 42\n");
    assertThat(callers).containsExactly("CN=alice");
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefusedAsUnreachable() {
    Path otherCa = TestCertificates.authority("other-ca").writeCertificate(dir, "other-ca");

    CtlRun run =
        get(otherCa, "--cert", client.certificate().toString(), "--key", client.key().toString());

    assertThat(run.exit()).as(run.toString()).isEqualTo(6);
    assertThat(run.err()).startsWith("gatewayctl: UNAVAILABLE").endsWith("\n");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(callers).isEmpty();
  }

  @Test
  void withoutAClientCertificateAPortThatRequiresOneRefusesTheHandshake() {
    CtlRun run = get(dir.resolve("ca.crt"));

    assertThat(run.exit()).as(run.toString()).isEqualTo(6);
    assertThat(callers).isEmpty();
  }

  /** {@code gatewayctl get} against the admin port, trusting {@code ca}, with {@code more} args. */
  private CtlRun get(Path ca, String... more) {
    List<String> args = new ArrayList<>(List.of("get", "--admin", "127.0.0.1:" + port, "--ca"));
    args.add(ca.toString());
    args.addAll(List.of(more));
    return CtlRun.of(Map.of(), args.toArray(String[]::new));
  }

  /** The stand-in admin service: one route-less answer at revision 42. */
  private static final class Routes extends GatewayAdminGrpc.GatewayAdminImplBase {
    @Override
    public void getRoutes(GetRoutesRequest request, StreamObserver<GetRoutesResponse> response) {
      response.onNext(GetRoutesResponse.newBuilder().setRevision(42).build());
      response.onCompleted();
    }
  }

  /** Notes the subject of the client certificate of each call. */
  private final class NoteCaller implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      try {
        callers.add(
            ((X509Certificate) session.getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName());
      } catch (SSLPeerUnverifiedException e) {
        callers.add("unverified: " + e.getMessage());
      }
      return next.startCall(call, headers);
    }
  }
}
