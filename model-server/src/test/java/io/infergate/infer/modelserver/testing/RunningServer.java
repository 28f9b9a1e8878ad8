package io.infergate.infer.modelserver.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.modelserver.ModelServer;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.transport.Shutdowns;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.tfserving.ModelServiceGrpc;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A model server on a real loopback socket with a plaintext channel to it; closing stops both. */
public final class RunningServer implements AutoCloseable {
  private final ModelServer server;
  private final ManagedChannel channel;

  private RunningServer(ModelServer server) {
    this.server = server;
    this.channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
  }

  /**
   * A short warm-up for the fixture's servers: enough calls to run the warm-up path in every test
   * class, few enough that starting one of the many servers the tests start stays quick.
   */
  public static final WarmupConfig LIGHT_WARMUP =
      new WarmupConfig(true, Duration.ofSeconds(5), 50, 4);

  /** Serves {@code repository} on a free port of 127.0.0.1. */
  public static RunningServer start(Path repository) {
    return start(repository, Duration.ofSeconds(5));
  }

  /** As {@link #start(Path)}, with a given graceful-shutdown window. */
  public static RunningServer start(Path repository, Duration shutdownGrace) {
    return start(
        new ModelServerConfig(
                "127.0.0.1", 0, repository, 4, 64 << 20, shutdownGrace, BatchingConfig.DISABLED)
            .withWarmup(LIGHT_WARMUP));
  }

  /**
   * As {@link #start(Path)}, with dynamic batching configured as given and no warm-up: the batching
   * tests count batches exactly, and warm-up calls run through the batchers too.
   */
  public static RunningServer start(Path repository, BatchingConfig batching) {
    return start(
        new ModelServerConfig(
                "127.0.0.1", 0, repository, 4, 64 << 20, Duration.ofSeconds(5), batching)
            .withWarmup(WarmupConfig.OFF));
  }

  /** Serves as {@code config} says (bind to 127.0.0.1 port 0 for tests). */
  public static RunningServer start(ModelServerConfig config) {
    return new RunningServer(ModelServer.start(config));
  }

  /**
   * As {@link #start(ModelServerConfig)}, recording traces and metrics through {@code telemetry}.
   */
  public static RunningServer start(ModelServerConfig config, OpenTelemetry telemetry) {
    return new RunningServer(ModelServer.start(config, telemetry));
  }

  public ModelServer server() {
    return server;
  }

  public ManagedChannel channel() {
    return channel;
  }

  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public PredictionServiceGrpc.PredictionServiceBlockingStub prediction() {
    return PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public ModelServiceGrpc.ModelServiceBlockingStub modelService() {
    return ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    Shutdowns.closeNow(channel);
    server.close();
  }
}
