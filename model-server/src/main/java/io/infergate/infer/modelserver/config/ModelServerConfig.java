package io.infergate.infer.modelserver.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the model server is configured with; one immutable value per process, built and
 * validated by {@link ConfigLoader} from defaults, a YAML file and flags (in that order of
 * precedence, lowest first).
 *
 * @param host address to bind; {@code 0.0.0.0} for all interfaces
 * @param port gRPC port; 0 picks a free one
 * @param models repository root, laid out as {@code <models>/<model>/<version>/}
 * @param workerThreads threads that run calls (TensorFlow's own thread pools are separate)
 * @param workerQueueCapacity the most calls of unbatched versions waiting for a worker; more are
 *     shed with RESOURCE_EXHAUSTED (batched versions have their own queue bound)
 * @param maxInboundMessageBytes largest request accepted; grpc-java's 4 MiB default is too small
 *     for image batches
 * @param shutdownGrace how long in-flight calls may finish on shutdown before they are cancelled
 * @param batching dynamic batching of concurrent calls per model version
 * @param repository how the model directory is watched and new versions warmed up
 * @param tensorFlow session options (threads, GPU) for every loaded version
 */
public record ModelServerConfig(
    String host,
    int port,
    Path models,
    int workerThreads,
    int workerQueueCapacity,
    int maxInboundMessageBytes,
    Duration shutdownGrace,
    BatchingConfig batching,
    RepositoryConfig repository,
    TensorFlowConfig tensorFlow) {

  /** The default {@code workerQueueCapacity}, as many calls as a default batching queue holds. */
  public static final int DEFAULT_WORKER_QUEUE_CAPACITY = 1024;

  /** The largest {@code workerQueueCapacity} that may be configured. */
  public static final int WORKER_QUEUE_CAPACITY_LIMIT = 1_000_000;

  public ModelServerConfig {
    if (workerQueueCapacity < 1 || workerQueueCapacity > WORKER_QUEUE_CAPACITY_LIMIT) {
      throw new IllegalArgumentException(
          "workerQueueCapacity: "
              + workerQueueCapacity
              + " (expected: an integer in 1.."
              + WORKER_QUEUE_CAPACITY_LIMIT
              + ")");
    }
    requireNonNull(host, "host");
    requireNonNull(models, "models");
    requireNonNull(shutdownGrace, "shutdownGrace");
    requireNonNull(batching, "batching");
    requireNonNull(repository, "repository");
    requireNonNull(tensorFlow, "tensorFlow");
  }

  /** A configuration with the default repository watching and TensorFlow options. */
  public ModelServerConfig(
      String host,
      int port,
      Path models,
      int workerThreads,
      int maxInboundMessageBytes,
      Duration shutdownGrace,
      BatchingConfig batching) {
    this(
        host,
        port,
        models,
        workerThreads,
        DEFAULT_WORKER_QUEUE_CAPACITY,
        maxInboundMessageBytes,
        shutdownGrace,
        batching,
        RepositoryConfig.DEFAULT,
        TensorFlowConfig.DEFAULT);
  }

  /** A configuration without batching, as servers had before batching existed. */
  public ModelServerConfig(
      String host,
      int port,
      Path models,
      int workerThreads,
      int maxInboundMessageBytes,
      Duration shutdownGrace) {
    this(
        host,
        port,
        models,
        workerThreads,
        maxInboundMessageBytes,
        shutdownGrace,
        BatchingConfig.DISABLED);
  }
}
