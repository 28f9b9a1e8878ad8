package io.infergate.infer.gateway.admin;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.TestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A gateway with its admin port, wired as {@code bin/gateway} wires them, over real sockets; and
 * the tokens its tests sign in with.
 */
final class AdminPlane {
  static final String VIEWER = "viewer-token-0123456789";
  static final String OPERATOR = "operator-token-0123456789";
  static final String OTHER_OPERATOR = "operator-token-abcdefghij";
  static final String ADMIN = "admin-token-0123456789ab";

  private final TestBed bed;
  private final Gateway gateway;
  private final ReleaseControl release;
  private final AdminServer admin;

  private AdminPlane(TestBed bed, Gateway gateway, ReleaseControl release, AdminServer admin) {
    this.bed = bed;
    this.gateway = gateway;
    this.release = release;
    this.admin = admin;
  }

  /** Writes the tokens file: vera a viewer, alice and bob operators, ada an admin. */
  static Path writeTokens(Path file) throws IOException {
    Files.writeString(
        file,
        "# TOKEN ROLE NAME\n"
            + VIEWER
            + " viewer vera\n"
            + OPERATOR
            + " operator alice\n"
            + OTHER_OPERATOR
            + " operator bob\n"
            + ADMIN
            + " admin ada\n");
    return file;
  }

  /** Starts {@code config}'s gateway and admin port; {@code bed} closes them. */
  static AdminPlane start(TestBed bed, GatewayConfig config) {
    ReleaseControl release =
        bed.register(
            ReleaseControl.open(config.admin().stateDir(), config.routes(), Clock.systemUTC()));
    Gateway gateway = bed.gateway(config, release.routes());
    release.attach(gateway::apply, gateway.liveVariants());
    AdminServer admin =
        bed.register(
            AdminServer.start(
                config.admin(),
                config.admin().tokensFile() == null
                    ? BearerTokens.none()
                    : BearerTokens.load(config.admin().tokensFile()),
                release));
    return new AdminPlane(bed, gateway, release, admin);
  }

  Gateway gateway() {
    return gateway;
  }

  ReleaseControl release() {
    return release;
  }

  /** The admin port: gRPC and the console. */
  int adminPort() {
    return admin.port();
  }

  AdminClient client(String token) {
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build());
    return new AdminClient(channel, token);
  }

  /** A client of the admin port over {@code credentials} (TLS), with {@code token} (null: none). */
  AdminClient client(ChannelCredentials credentials, String token) {
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", admin.port(), credentials).build());
    return new AdminClient(channel, token);
  }

  /**
   * Stops release control as a restart would: its port and its audit log. The data port stays up
   * for the test bed to close; the next start is another gateway.
   */
  void stop() throws Exception {
    admin.close();
    release.close();
  }
}
