package io.infergate.infer.gateway.admin;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.TestBed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A gateway with its admin port, wired as {@code bin/gateway} wires it, routing model {@code
 * digits} to variants {@code stable} (weight 90) and {@code canary} (10) on two fake backends, with
 * three tokens: {@link #VIEWER}, {@link #OPERATOR} and {@link #ADMIN}. Everything is registered
 * with the test bed, which closes it.
 */
final class AdminGateway {
  static final String VIEWER = "viewer-token-0123456789";
  static final String OPERATOR = "operator-token-0123456789";
  static final String ADMIN = "admin-token-0123456789ab";

  private final TestBed bed;
  private final Gateway gateway;
  private final AdminServer admin;

  private AdminGateway(TestBed bed, Gateway gateway, AdminServer admin) {
    this.bed = bed;
    this.gateway = gateway;
    this.admin = admin;
  }

  static AdminGateway start(TestBed bed, Path dir) {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    Path tokens = dir.resolve("tokens.txt");
    try {
      Files.writeString(
          tokens,
          VIEWER + " viewer vera\n" + OPERATOR + " operator olga\n" + ADMIN + " admin ada\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GatewayConfig config =
        Configs.load(
            dir,
            """
                reloadCheckInterval: 0s
                drainTimeout: 1s
                admin: {host: 127.0.0.1, port: 0, tokensFile: "%s", stateDir: "%s"}
                routes:
                  - model: digits
                    variants:
                      - {name: stable, weight: 90, endpoints: ["%s"]}
                      - {name: canary, weight: 10, endpoints: ["%s"]}
                """
                .formatted(tokens, dir.resolve("state"), stable.endpoint(), canary.endpoint()));
    ReleaseControl release =
        bed.register(
            ReleaseControl.open(config.admin().stateDir(), config.routes(), Clock.systemUTC()));
    Gateway gateway = bed.gateway(config, release.routes());
    release.attach(gateway::apply, gateway.liveVariants());
    AdminServer admin =
        bed.register(
            AdminServer.start(
                config.admin(), BearerTokens.load(config.admin().tokensFile()), release));
    return new AdminGateway(bed, gateway, admin);
  }

  /** The admin port: gRPC and the console. */
  int adminPort() {
    return admin.port();
  }

  /** A gRPC admin client with {@code token} (null: none). */
  AdminClient admin(String token) {
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build());
    return new AdminClient(channel, token);
  }

  /** A client of the data port. */
  GatewayClient data() {
    return bed.client(gateway);
  }
}
