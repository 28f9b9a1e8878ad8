package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A model server reports SERVING only once it has driven its own request path hot: warm-up calls of
 * both APIs through its real gRPC stack, before the port callers and probes use answers at all.
 */
class WarmupBeforeServingIT {
  private static final AttributeKey<String> API = AttributeKey.stringKey("api");
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");
  private static final String CALLS = "infergate.model.calls";
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final String OIP_SERVICE = "inference.GRPCInferenceService";
  private static final String TF_SERVING_SERVICE = "tensorflow.serving.PredictionService";

  @Test
  void answersHealthOnlyAfterWarmUpCallsOfBothApisWentThroughGrpc() throws Exception {
    int port = freePort();
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry()) {
      ModelServerConfig config =
          config(port, BatchingConfig.DISABLED)
              .withWarmup(new WarmupConfig(true, Duration.ofSeconds(60), 500, 4));
      HealthProbe probe = new HealthProbe(port, telemetry);
      Thread probing = new Thread(probe, "health-probe");
      probing.start();
      ModelServer server;
      try {
        server = ModelServer.start(config, telemetry.openTelemetry());
      } finally {
        probe.stopAfterServing();
        probing.join(TimeUnit.SECONDS.toMillis(30));
      }
      try (server) {
        Warmup.Report warmup = server.warmup();
        assertThat(warmup.calls()).isGreaterThanOrEqualTo(500);
        assertThat(warmup.failed()).isZero();
        // Every warm-up call went through the gRPC services (each is a SERVER span), over both
        // APIs, before any test call.
        long oip = serverSpans(telemetry, OIP_SERVICE);
        long tfServing = serverSpans(telemetry, TF_SERVING_SERVICE);
        assertThat(oip).isPositive();
        assertThat(tfServing).isPositive();
        assertThat(oip + tfServing).isEqualTo(warmup.calls());
        // Warm-up calls are not callers' calls: the call metrics never count them, and their zeros
        // never reach model monitoring.
        assertThat(telemetry.sum(CALLS, API, "oip") + telemetry.sum(CALLS, API, "tfserving"))
            .isZero();
        assertThat(telemetry.sum("infergate.model.input.calls.checked", MODEL, "digits")).isZero();
        // While warming, the port did not answer at all; once it answered SERVING, every warm-up
        // call had been made.
        assertThat(probe.refusedBeforeServing).isPositive();
        assertThat(probe.callsSeenAtFirstServing).isEqualTo(warmup.calls());
        assertThat(probe.notServingAnswers).isEmpty();
        assertThat(ready(port)).isTrue();
        // A caller's call on the port is counted.
        infer(port);
        assertThat(telemetry.sum(CALLS, API, "oip")).isEqualTo(1);
      }
    }
  }

  @Test
  void warmsEachBatchSizeOfABatchedServerAndSettles() throws Exception {
    BatchingConfig batching = new BatchingConfig(true, 16, Duration.ofMillis(1), List.of(4), null);
    try (ModelServer server =
        ModelServer.start(
            config(0, batching)
                .withWarmup(new WarmupConfig(true, Duration.ofSeconds(60), 300, 8)))) {
      Warmup.Report warmup = server.warmup();
      assertThat(warmup.stopped()).isEqualTo("settled");
      assertThat(warmup.failed()).isZero();
      // Calls of 1, 4 and 16 rows of each digits version went through its batcher; one of 16
      // (the maxBatchSize) always runs as a batch of its own.
      assertThat(server.batchStats("digits", 2).orElseThrow().batchSizes()).containsKey(16);
      assertThat(server.batchStats("digits", 1).orElseThrow().batchSizes()).containsKey(16);
      assertThat(ready(server.port())).isTrue();
    }
  }

  @Test
  void becomesServingWhenTheBudgetIsSpentUnsettled() throws Exception {
    Duration budget = Duration.ofMillis(300);
    try (ModelServer server =
        ModelServer.start(
            config(0, BatchingConfig.DISABLED)
                .withWarmup(new WarmupConfig(true, budget, 1_000_000, 2)))) {
      Warmup.Report warmup = server.warmup();
      assertThat(warmup.settled()).isFalse();
      assertThat(warmup.stopped()).isEqualTo("budget of 300ms spent");
      assertThat(warmup.calls()).isPositive();
      // The budget bounds the warm-up; only calls already sent may finish after it.
      assertThat(warmup.took()).isLessThan(budget.plusSeconds(2));
      assertThat(ready(server.port())).isTrue();
    }
  }

  @Test
  void makesNoCallWhenWarmUpIsOff() throws Exception {
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry();
        ModelServer server =
            ModelServer.start(
                config(0, BatchingConfig.DISABLED).withWarmup(WarmupConfig.OFF),
                telemetry.openTelemetry())) {
      assertThat(server.warmup().calls()).isZero();
      assertThat(telemetry.sum(CALLS, API, "oip") + telemetry.sum(CALLS, API, "tfserving"))
          .isZero();
      assertThat(ready(server.port())).isTrue();
    }
  }

  private static ModelServerConfig config(int port, BatchingConfig batching) throws Exception {
    return new ModelServerConfig(
        "127.0.0.1", port, TestRepository.shared(), 2, 64 << 20, Duration.ofSeconds(1), batching);
  }

  private static boolean ready(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      return GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .serverReady(ServerReadyRequest.getDefaultInstance())
          .getReady();
    } finally {
      channel.shutdownNow();
    }
  }

  /** SERVER spans of inference calls ({@code ModelInfer}, {@code Predict}) of {@code service}. */
  private static long serverSpans(InMemoryTelemetry telemetry, String service) {
    return telemetry.spans().stream()
        .filter(span -> span.getKind() == SpanKind.SERVER)
        .filter(span -> service.equals(span.getAttributes().get(RPC_SERVICE)))
        .count();
  }

  private static void infer(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .modelInfer(DigitsRequests.oipTyped(DigitsRequests.validation().head(1), "").build());
    } finally {
      channel.shutdownNow();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Asks {@code ""}'s health on the port over and over while the server starts, as a readiness
   * probe would, noting what it got and how many calls the server had answered when it first got
   * SERVING.
   */
  private static final class HealthProbe implements Runnable {
    private final int port;
    private final InMemoryTelemetry telemetry;

    /** Once the server has started: how long the probe may still take to see it answer. */
    private volatile long giveUpAtNanos = Long.MAX_VALUE;

    final List<String> notServingAnswers = new CopyOnWriteArrayList<>();
    volatile int refusedBeforeServing;
    volatile long callsSeenAtFirstServing = -1;

    HealthProbe(int port, InMemoryTelemetry telemetry) {
      this.port = port;
      this.telemetry = telemetry;
    }

    void stopAfterServing() {
      giveUpAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    }

    @Override
    public void run() {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        while (callsSeenAtFirstServing < 0) {
          try {
            var status =
                HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("").build())
                    .getStatus();
            if (status == io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING) {
              // Read before anything else can call: the count of calls answered so far.
              callsSeenAtFirstServing =
                  serverSpans(telemetry, OIP_SERVICE) + serverSpans(telemetry, TF_SERVING_SERVICE);
            } else {
              notServingAnswers.add(status.name());
            }
          } catch (StatusRuntimeException e) {
            refusedBeforeServing++;
            if (System.nanoTime() - giveUpAtNanos > 0) {
              return;
            }
            // A probe's pace, not a timing assertion.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            channel.resetConnectBackoff();
          }
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
