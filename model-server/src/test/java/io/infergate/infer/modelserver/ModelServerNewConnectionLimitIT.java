package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.infergate.infer.observability.testing.NewConnections;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The model server's port takes the same limit on new connections per source address as the
 * gateway's, over loopback sockets: the burst's connections are served, the ones past it are closed
 * as they are accepted and counted in {@code infergate.model.connections.refused}.
 */
class ModelServerNewConnectionLimitIT {
  private static final int BURST = 2;

  /**
   * More than the burst by enough that a slow machine still sees refusals: one comes back a second.
   */
  private static final int PAST_BURST = 5;

  @Test
  void connectionsUpToTheBurstAreServedAndThosePastItAreClosedAndCounted() throws Exception {
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (OpenTelemetrySdk otel =
            OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
        RunningServer server = RunningServer.start(config(), otel)) {
      long started = System.nanoTime();
      ManagedChannel channel = server.channel(); // the burst's first connection
      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      int servedPast;
      try (NewConnections connections = new NewConnections("127.0.0.1", server.server().port())) {
        assertThat(connections.openOneMore()).as("the burst's second connection").isTrue();
        servedPast = connections.openMore(PAST_BURST);
      }

      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      assertThat(servedPast).isLessThanOrEqualTo((int) seconds);
      assertThat(
              InMemoryTelemetry.total(
                  metrics.collectAllMetrics(), "infergate.model.connections.refused"))
          .isEqualTo(PAST_BURST - servedPast);
    }
  }

  private static ModelServerConfig config() throws Exception {
    return TestConfigs.of(
        TestRepository.shared(),
        "connections: {newPerSourcePerSecond: 1, newPerSourceBurst: "
            + BURST
            + "}\nwarmup: {enabled: false}\n");
  }
}
