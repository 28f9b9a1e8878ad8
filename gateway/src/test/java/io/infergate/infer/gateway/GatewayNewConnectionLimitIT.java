package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.gateway.testing.InMemoryMetrics;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.infergate.infer.observability.testing.NewConnections;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's limit on new connections per source address, configured through the YAML file as
 * {@code bin/gateway} reads it, over loopback sockets: a caller's connections up to the burst each
 * carry calls; the ones past it are closed as they are accepted, and counted in the metric.
 */
class GatewayNewConnectionLimitIT {
  private static final int BURST = 2;

  /**
   * More than the burst by enough that a slow machine still sees refusals: one comes back a second.
   */
  private static final int PAST_BURST = 5;

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();
  @RegisterExtension final InMemoryMetrics metrics = new InMemoryMetrics();

  private final Transport transport = Transport.loopback();

  @Test
  void callersConnectionsUpToTheBurstCarryCallsAndThosePastItAreClosedAndCounted()
      throws Exception {
    FakeBackend backend = cleanup.register(transport.backend("stable"));
    Gateway gateway =
        cleanup.register(
            Gateway.start(
                Configs.load(
                    dir,
                    Configs.LOOPBACK
                        + "connections: {newPerSourcePerSecond: 1, newPerSourceBurst: "
                        + BURST
                        + "}\n"
                        + Configs.soleRoute(backend)),
                metrics.openTelemetry()));
    long started = System.nanoTime();

    // Each channel is one connection: both of the burst carry calls.
    for (int i = 0; i < BURST; i++) {
      GatewayClient client = new GatewayClient(cleanup.register(transport.client(gateway)));
      assertThat(client.infer("m", Map.of()).status().getCode())
          .as("a call on connection %d", i)
          .isEqualTo(Status.Code.OK);
    }
    int servedPast;
    try (NewConnections connections = new NewConnections("127.0.0.1", gateway.port())) {
      servedPast = connections.openMore(PAST_BURST);
    }

    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertThat(servedPast).isLessThanOrEqualTo((int) seconds);
    assertThat(InMemoryTelemetry.total(metrics.collect(), "infergate.gateway.connections.refused"))
        .isEqualTo(PAST_BURST - servedPast);
    assertThat(backend.calls()).isEqualTo(BURST);
  }
}
