package io.infergate.infer.modelserver.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.telemetry.TelemetryConfig;
import io.infergate.infer.observability.transport.ConnectionLimits;
import io.infergate.infer.observability.transport.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the model server is configured with; one immutable value per process, bound by {@code
 * ModelServerMain} with {@code ConfigBinder} from defaults, a YAML file, environment variables and
 * flags (in that order of precedence, lowest first). Its components are the file's keys; absent
 * ones take their defaults, and the constructor reports every bad value at once.
 *
 * @param host address to bind; {@code 0.0.0.0} (the default) for all interfaces
 * @param port gRPC port; 0 picks a free one (default 8500)
 * @param models repository root, laid out as {@code <models>/<model>/<version>/} (required)
 * @param workerThreads threads that run calls (TensorFlow's own thread pools are separate; default:
 *     the cores, at least 2)
 * @param workerQueueCapacity the most calls of unbatched versions waiting for a worker; more are
 *     shed with RESOURCE_EXHAUSTED (batched versions have their own queue bound)
 * @param maxInboundMessageBytes largest request accepted; grpc-java's 4 MiB default is too small
 *     for image batches (default 64 MiB)
 * @param shutdownGrace how long in-flight calls may finish on shutdown before they are cancelled
 *     (default 10s)
 * @param batching dynamic batching of concurrent calls per model version
 * @param repository how the model directory is watched and new versions warmed up
 * @param tensorFlow session options (threads, GPU) for every loaded version (key {@code
 *     tensorflow})
 * @param reflection serve gRPC server reflection (default true: grpcurl, ghz and bin/loadtest rely
 *     on it); false on a port that untrusted callers reach, where it would list every service
 * @param connections what one client connection may ask of the server: calls in flight, metadata
 *     size, RST_STREAM rate, keepalive, idle time and age (the gateway's limits, one type)
 * @param tls TLS, and optionally mutual TLS, on the port; absent, the port is plaintext
 * @param telemetry metrics endpoint (default port 9465), OTLP export and trace sampling
 * @param monitoring data quality and drift of the inputs of versions that ship a training baseline
 * @param warmup how the request path is warmed, through the server's own gRPC stack, before the
 *     server reports SERVING (default: on, settled latency or 20s)
 */
public record ModelServerConfig(
    String host,
    Integer port,
    @JsonSerialize(using = ToStringSerializer.class) Path models,
    Integer workerThreads,
    Integer workerQueueCapacity,
    Integer maxInboundMessageBytes,
    Duration shutdownGrace,
    BatchingConfig batching,
    RepositoryConfig repository,
    @JsonProperty("tensorflow") TensorFlowConfig tensorFlow,
    Boolean reflection,
    ConnectionLimits connections,
    @JsonInclude(JsonInclude.Include.NON_NULL) ServerTls tls,
    TelemetryConfig telemetry,
    MonitoringConfig monitoring,
    WarmupConfig warmup) {

  /** Where {@code /metrics} is served by default: beside the gateway's 9464 on one host. */
  public static final int DEFAULT_METRICS_PORT = 9465;

  /** The default {@code workerQueueCapacity}, as many calls as a default batching queue holds. */
  public static final int DEFAULT_WORKER_QUEUE_CAPACITY = 1024;

  /** The largest {@code workerQueueCapacity} that may be configured. */
  public static final int WORKER_QUEUE_CAPACITY_LIMIT = 1_000_000;

  /** The most worker threads that may be configured. */
  public static final int WORKER_THREADS_LIMIT = 1024;

  public ModelServerConfig {
    host = host == null ? "0.0.0.0" : host;
    port = port == null ? 8500 : port;
    workerThreads =
        workerThreads == null
            ? Math.max(2, Runtime.getRuntime().availableProcessors())
            : workerThreads;
    workerQueueCapacity =
        workerQueueCapacity == null ? DEFAULT_WORKER_QUEUE_CAPACITY : workerQueueCapacity;
    maxInboundMessageBytes = maxInboundMessageBytes == null ? 64 << 20 : maxInboundMessageBytes;
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
    batching = batching == null ? BatchingConfig.DISABLED : batching;
    repository = repository == null ? RepositoryConfig.DEFAULT : repository;
    tensorFlow = tensorFlow == null ? TensorFlowConfig.DEFAULT : tensorFlow;
    reflection = reflection == null ? Boolean.TRUE : reflection;
    connections = connections == null ? ConnectionLimits.DEFAULT : connections;
    telemetry =
        telemetry == null
            ? TelemetryConfig.defaults(DEFAULT_METRICS_PORT)
            : telemetry.withMetricsPort(DEFAULT_METRICS_PORT);
    monitoring = monitoring == null ? MonitoringConfig.DEFAULT : monitoring;
    warmup = warmup == null ? WarmupConfig.DEFAULT : warmup;
    new Problems()
        .check(!host.isBlank(), "host: empty (expected: an address such as 0.0.0.0 or 127.0.0.1)")
        .range("port", port, 0, 65_535)
        .check(
            models != null,
            "models: missing (expected: the model repository directory, --models DIR)")
        .check(
            models == null || Files.isDirectory(models),
            "models: " + models + " (expected: an existing directory)")
        .range("workerThreads", workerThreads, 1, WORKER_THREADS_LIMIT)
        .range("workerQueueCapacity", workerQueueCapacity, 1, WORKER_QUEUE_CAPACITY_LIMIT)
        .range("maxInboundMessageBytes", maxInboundMessageBytes, 1024, Integer.MAX_VALUE)
        .check(
            !shutdownGrace.isNegative(),
            "shutdownGrace: " + Durations.format(shutdownGrace) + " (expected: a duration >= 0s)")
        .throwIfAny();
  }

  /** This configuration with {@code warmup} instead of its own. */
  public ModelServerConfig withWarmup(WarmupConfig warmup) {
    return with(connections, warmup);
  }

  /** This configuration with {@code connections} instead of its own. */
  public ModelServerConfig withConnections(ConnectionLimits connections) {
    return with(connections, warmup);
  }

  private ModelServerConfig with(ConnectionLimits connections, WarmupConfig warmup) {
    return new ModelServerConfig(
        host,
        port,
        models,
        workerThreads,
        workerQueueCapacity,
        maxInboundMessageBytes,
        shutdownGrace,
        batching,
        repository,
        tensorFlow,
        reflection,
        connections,
        tls,
        telemetry,
        monitoring,
        warmup);
  }

  /**
   * A configuration of the defaults but for these, with the default repository watching and
   * TensorFlow options.
   */
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
        null,
        maxInboundMessageBytes,
        shutdownGrace,
        batching,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
