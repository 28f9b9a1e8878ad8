package io.infergate.infer.gateway.admin;

import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.TestBed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The console tests' gateway: model {@code digits} on variants {@code stable} (weight 90) and
 * {@code canary} (10), two fake backends, and {@link AdminPlane}'s tokens. The test bed closes
 * everything.
 */
final class AdminGateway {
  static final String VIEWER = AdminPlane.VIEWER;
  static final String OPERATOR = AdminPlane.OPERATOR;
  static final String ADMIN = AdminPlane.ADMIN;

  private final TestBed bed;
  private final AdminPlane plane;

  private AdminGateway(TestBed bed, AdminPlane plane) {
    this.bed = bed;
    this.plane = plane;
  }

  static AdminGateway start(TestBed bed, Path dir) {
    FakeBackend stable = bed.backend("stable");
    FakeBackend canary = bed.backend("canary");
    try {
      Path tokens = AdminPlane.writeTokens(dir.resolve("tokens.txt"));
      return new AdminGateway(
          bed,
          AdminPlane.start(
              bed,
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
                      .formatted(
                          tokens, dir.resolve("state"), stable.endpoint(), canary.endpoint()))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The admin port: gRPC and the console. */
  int adminPort() {
    return plane.adminPort();
  }

  /** A gRPC admin client with {@code token} (null: none). */
  AdminClient admin(String token) {
    return plane.client(token);
  }

  /** A client of the data port. */
  GatewayClient data() {
    return bed.client(plane.gateway());
  }
}
