package io.infergate.infer.gateway.testing;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.admin.AdminServer;
import io.infergate.infer.gateway.admin.BearerTokens;
import io.infergate.infer.gateway.admin.ReleaseControl;
import io.infergate.infer.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A gateway with its admin port, wired as {@code bin/gateway} wires them, over real sockets; the
 * tokens its tests sign in with; and the configuration the admin and gatewayctl tests share. Start
 * one with {@link #start}; {@code bed} closes what it started.
 */
public record AdminPlane(TestBed bed, Gateway gateway, ReleaseControl release, AdminServer admin) {
  public static final String VIEWER = "viewer-token-0123456789";
  public static final String OPERATOR = "operator-token-0123456789";
  public static final String OTHER_OPERATOR = "operator-token-abcdefghij";
  public static final String ADMIN = "admin-token-0123456789ab";

  /**
   * Starts a gateway on {@link #yaml}'s route with no route settings, and its admin port; {@code
   * bed} closes them.
   */
  public static AdminPlane start(
      TestBed bed,
      Path dir,
      FakeBackend first,
      int firstWeight,
      FakeBackend second,
      int secondWeight) {
    return start(bed, Configs.load(dir, yaml(dir, first, firstWeight, second, secondWeight)));
  }

  /**
   * A gateway's YAML with its admin port on {@code 127.0.0.1:0}, its tokens file ({@link
   * #writeTokens}, written now) and state directory in {@code dir}, no reload and a 1 s drain; and
   * route {@code digits} split between {@code first} and {@code second} ({@link Routes#split}),
   * with {@code routeSettings}.
   */
  public static String yaml(
      Path dir,
      FakeBackend first,
      int firstWeight,
      FakeBackend second,
      int secondWeight,
      String... routeSettings) {
    Path tokens;
    try {
      tokens = writeTokens(dir.resolve("tokens.txt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return """
        reloadCheckInterval: 0s
        drainTimeout: 1s
        admin: {host: 127.0.0.1, port: 0, tokensFile: "%s", stateDir: "%s"}
        routes:
        """
            .formatted(tokens, dir.resolve("state"))
        + Routes.split("digits", first, firstWeight, second, secondWeight, routeSettings);
  }

  /** Writes the tokens file: vera a viewer, alice and bob operators, ada an admin. */
  public static Path writeTokens(Path file) throws IOException {
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
  public static AdminPlane start(TestBed bed, GatewayConfig config) {
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

  /** The admin port: gRPC and the console. */
  public int adminPort() {
    return admin.port();
  }

  /** A client of the admin port with {@code token} (null: none). */
  public AdminClient client(String token) {
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build());
    return new AdminClient(channel, token);
  }

  /** A client of the admin port over {@code credentials} (TLS), with {@code token} (null: none). */
  public AdminClient client(ChannelCredentials credentials, String token) {
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", admin.port(), credentials).build());
    return new AdminClient(channel, token);
  }

  /**
   * Stops release control as a restart would: its port and its audit log. The data port stays up
   * for the test bed to close; the next start is another gateway.
   */
  public void stop() throws Exception {
    admin.close();
    release.close();
  }
}
