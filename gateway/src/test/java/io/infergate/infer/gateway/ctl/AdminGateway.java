package io.infergate.infer.gateway.ctl;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.admin.AdminServer;
import io.infergate.infer.gateway.admin.BearerToken;
import io.infergate.infer.gateway.admin.BearerTokens;
import io.infergate.infer.gateway.admin.ReleaseControl;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway wired as {@code bin/gateway} wires it, over real sockets: route {@code digits} split
 * between two fake backends {@code v1} (weight 100) and {@code v2} (0), which tag their answers
 * with {@code x-served-by}; its admin port with a viewer and an operator token in files.
 */
final class AdminGateway {
  static final String VIEWER = "viewer-token-0123456789";
  static final String OPERATOR = "operator-token-0123456789";

  final FakeBackend v1;
  final FakeBackend v2;
  final Gateway gateway;
  final AdminServer admin;
  final Path viewerTokenFile;
  final Path operatorTokenFile;
  private final TestBed bed;

  AdminGateway(TestBed bed, Path dir) throws IOException {
    this.bed = bed;
    v1 = bed.backend("v1");
    v2 = bed.backend("v2");
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.txt"), VIEWER + " viewer vera\n" + OPERATOR + " operator alice\n");
    viewerTokenFile = Files.writeString(dir.resolve("viewer.token"), VIEWER + "\n");
    operatorTokenFile = Files.writeString(dir.resolve("operator.token"), OPERATOR + "\n");
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
                  - {name: v1, weight: 100, endpoints: ["%s"]}
                  - {name: v2, weight: 0, endpoints: ["%s"]}
            """
                .formatted(tokens, dir.resolve("state"), v1.endpoint(), v2.endpoint()));
    ReleaseControl release =
        bed.register(
            ReleaseControl.open(config.admin().stateDir(), config.routes(), Clock.systemUTC()));
    gateway = bed.gateway(config, release.routes());
    release.attach(gateway::apply, gateway.liveVariants());
    admin =
        bed.register(
            AdminServer.start(
                config.admin(), BearerTokens.load(config.admin().tokensFile()), release));
  }

  /** {@code --admin} for this gateway's admin port. */
  String address() {
    return "127.0.0.1:" + admin.port();
  }

  /** The generated stub with {@code token}: how the test reads what gatewayctl did. */
  GatewayAdminBlockingStub stub(String token) {
    ManagedChannel channel =
        bed.register(
            NettyChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build());
    return GatewayAdminGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerToken(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** gatewayctl run in-process against this gateway, with an empty environment. */
  CtlRun ctl(String... args) {
    return CtlRun.of(Map.of(), args);
  }
}
