package io.infergate.infer.modelserver;

import static java.util.Objects.requireNonNull;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.infergate.infer.modelserver.batching.BatchStats;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.grpc.OipInferenceService;
import io.infergate.infer.modelserver.grpc.TfServingModelService;
import io.infergate.infer.modelserver.grpc.TfServingPredictionService;
import io.infergate.infer.modelserver.grpc.TfServingWarmupFile;
import io.infergate.infer.modelserver.grpc.TraceContextInterceptor;
import io.infergate.infer.modelserver.grpc.WarmupCalls;
import io.infergate.infer.modelserver.inference.InferencePath;
import io.infergate.infer.modelserver.inference.ModelResolver;
import io.infergate.infer.modelserver.inference.WorkerQueue;
import io.infergate.infer.modelserver.repository.ModelRepository;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.server.StandardServices;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.transport.NettyTransport;
import io.infergate.infer.observability.transport.TlsCredentials;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.tfserving.ModelServiceGrpc;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running model server: one gRPC port serving the Open Inference Protocol, TF Serving's
 * PredictionService and ModelService, health and reflection over the models of one repository.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelServer.class);

  /** What ServerMetadata reports. */
  public static final String NAME = "infergate-model-server";

  /** What ServerMetadata reports: the project's version. */
  public static final String VERSION = ProjectVersion.current();

  /** TF Serving's short health-service names, which its clients and probes ask for. */
  private static final List<String> HEALTH_NAMES =
      List.of(
          GRPCInferenceServiceGrpc.SERVICE_NAME,
          PredictionServiceGrpc.SERVICE_NAME,
          ModelServiceGrpc.SERVICE_NAME,
          "PredictionService",
          "ModelService");

  /**
   * Calls of unbatched versions whose recent runs take at most this long run on the event loop that
   * received them, while no call waits for a worker; 0: never, every call is handed to a worker.
   * Off: with 200 µs it removed the hand-offs (5.5 to 1.2-2 context switches per call at one call
   * in flight) yet halved the one-in-flight rate and raised the server's and the client's CPU per
   * call on the 2-core benchmark host, for reasons not found yet (docs/benchmarks.md, "Model server
   * vs in-process Session.run", 2026-12-07).
   */
  static final long INLINE_RUN_MAX_NANOS = 0;

  private final ModelServerConfig config;
  private final ModelRepository repository;
  private final NettyTransport transport;
  private final TlsCredentials tls;

  /** Where traces and metrics are recorded; the no-op API unless the process set telemetry up. */
  private final OpenTelemetry telemetry;

  /** The server's instruments, whose tallied counters stop reporting when it closes. */
  private final ModelServerTelemetry instruments;

  /** The gauges read from the repository and the worker queue, closed with the server. */
  private final ModelServerGauges gauges;

  /** Connections refused at accept for their source's rate ({@code connections.*}). */
  private final ObservableLongCounter refusedConnections;

  private final ExecutorService executor;
  private final HealthStatusManager health = new HealthStatusManager();
  private final AtomicBoolean serving = new AtomicBoolean();

  /** The inference services, served on the port and, before it opens, on the warm-up listener. */
  private final List<ServerServiceDefinition> services;

  private final Server server;
  private volatile Warmup.Report warmup = Warmup.Report.skipped("not started");

  private ModelServer(ModelServerConfig config, OpenTelemetry telemetry) {
    this.config = config;
    this.telemetry = telemetry;
    // Before any model loads: a certificate that cannot be used ends start-up at once.
    this.tls = config.tls() == null ? null : TlsCredentials.forServer(config.tls());
    this.executor = Executors.newFixedThreadPool(config.workerThreads(), daemonThreads());
    ModelServerTelemetry recorded = ModelServerTelemetry.of(telemetry);
    this.instruments = recorded;
    try {
      this.repository =
          ModelRepository.open(
              config, executor, new TfServingWarmupFile(), this::modelAvailability, recorded);
    } catch (RuntimeException e) {
      executor.shutdown();
      throw e;
    }
    this.transport = NettyTransport.create("model-server", 0);
    WorkerQueue workers =
        new WorkerQueue(
            executor, config.workerThreads(), config.workerQueueCapacity(), INLINE_RUN_MAX_NANOS);
    InferencePath inference =
        new InferencePath(new ModelResolver(repository::model), workers, recorded);
    this.gauges = ModelServerGauges.register(recorded, repository, workers);
    this.refusedConnections =
        transport.observeRefusedConnections(
            recorded.meter(), "infergate.model.connections.refused");
    this.services =
        List.of(
            TraceContextInterceptor.around(
                new OipInferenceService(inference, NAME, VERSION, serving::get), recorded),
            TraceContextInterceptor.around(new TfServingPredictionService(inference), recorded),
            new TfServingModelService(inference.models()).bindService());
    var builder =
        transport
            .server(
                config.host(),
                config.port(),
                tls == null ? InsecureServerCredentials.create() : tls.server(),
                config.connections())
            // Services never block: inference runs on the workers (or inline when a run is
            // shorter than INLINE_RUN_MAX_NANOS), everything else is quick.
            // Running gRPC's callbacks on the event loops saves the hand-offs that an executor
            // costs per call event (measured: ~12 context switches per call with one).
            .directExecutor()
            .maxInboundMessageSize(config.maxInboundMessageBytes());
    services.forEach(builder::addService);
    this.server = StandardServices.add(builder, health, config.reflection()).build();
  }

  /**
   * Loads every model under {@code config.models()}, starts serving, and keeps the served versions
   * in step with that directory (see {@link ModelRepository}).
   *
   * @throws io.infergate.infer.modelserver.backend.ModelLoadException if a model cannot be loaded
   * @throws UncheckedIOException if the port cannot be bound; the message says why
   */
  public static ModelServer start(ModelServerConfig config) {
    return start(config, OpenTelemetry.noop());
  }

  /**
   * As {@link #start(ModelServerConfig)}, recording traces and metrics through {@code telemetry}.
   */
  public static ModelServer start(ModelServerConfig config, OpenTelemetry telemetry) {
    requireNonNull(config, "config");
    requireNonNull(telemetry, "telemetry");
    ModelServer server = new ModelServer(config, telemetry);
    try {
      server.warmup = server.warmUp();
      server.server.start();
    } catch (IOException e) {
      server.close();
      throw StandardServices.cannotListen(config.host(), config.port(), e);
    }
    server.markServing();
    return server;
  }

  /** What the warm-up before SERVING did: calls made, time taken, whether latency settled. */
  public Warmup.Report warmup() {
    return warmup;
  }

  /**
   * Drives the request path hot before the port opens ({@link Warmup}): the services are served on
   * a second listener, plaintext on 127.0.0.1 and on an ephemeral port, for as long as the warm-up
   * runs, then that listener is closed. The port callers use opens only afterwards, so neither a
   * probe nor a gateway can reach a cold server: they see a connection refused, as while the models
   * load, and retry. The listener shares the port's event loops, so the threads that will serve
   * callers are the ones warmed; TLS on the port is not warmed, the rest of the path is.
   */
  private Warmup.Report warmUp() throws IOException {
    WarmupConfig settings = config.warmup();
    if (!settings.active()) {
      log.info("Warm-up before SERVING is off (warmup.enabled: false or warmup.maxDuration: 0s)");
      return Warmup.Report.skipped("off");
    }
    List<Warmup.Call> calls =
        WarmupCalls.of(
            repository.root(), repository.models(), config.batching().warmupBatchSizes());
    return Warmup.overLoopback(
        transport,
        config.maxInboundMessageBytes(),
        listener -> services.forEach(listener::addService),
        channel -> {
          Warmup.Report report = Warmup.run(channel, calls, settings);
          log.info(
              "Warmed up the request path over loopback gRPC before SERVING: {}",
              report.describe());
          if (report.failed() > 0) {
            log.warn(
                "{} of {} warm-up calls failed; the first: {}",
                report.failed(),
                report.calls(),
                report.firstFailure());
          }
          return report;
        });
  }

  /** The bound port (useful when the configured port was 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** "epoll" or "nio". */
  public String transportKind() {
    return transport.kind();
  }

  /**
   * What the batcher of {@code model} version {@code version} has done so far (batch sizes, calls
   * dropped and refused); empty when that version is not batched.
   */
  public Optional<BatchStats> batchStats(String model, long version) {
    ServedModel served = repository.model(model);
    ServedVersion loaded = served == null ? null : served.version(version);
    if (loaded == null || loaded.batcher() == null) {
      return Optional.empty();
    }
    return Optional.of(loaded.batcher().stats());
  }

  /** The repository this server serves, as it stands now. */
  public ModelRepository repository() {
    return repository;
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops gracefully: reports NOT_SERVING and not ready so balancers move away, lets in-flight
   * calls finish for up to {@code shutdownGrace} (queued batched calls run at once rather than wait
   * for their batch to fill), cancels what is left, then frees every TensorFlow model.
   */
  @Override
  public void close() {
    serving.set(false);
    health.enterTerminalState();
    server.shutdown();
    repository.drainBatchers();
    if (!StandardServices.awaitOrCancel(server, config.shutdownGrace())) {
      log.warn(
          "In-flight calls still running after {}; cancelled them",
          Durations.format(config.shutdownGrace()));
    }
    // Before the executor stops: batched callers are answered on it, and each version closes (its
    // batcher, then its session) once its last call is answered.
    repository.close();
    executor.shutdown();
    if (Schedulers.stillRunningAfter(executor, 5)) {
      log.warn("Worker threads still busy after shutdown");
    }
    gauges.close();
    instruments.close();
    refusedConnections.close();
    transport.close();
    if (tls != null) {
      tls.close();
    }
    log.info("Model server stopped");
  }

  private void markServing() {
    for (String name : HEALTH_NAMES) {
      health.setStatus(name, ServingStatus.SERVING);
    }
    serving.set(true);
  }

  /** Per-model health, as TF Serving reports it: SERVING while a version of it is available. */
  private void modelAvailability(String model, boolean available) {
    health.setStatus(model, available ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** What the innermost cause says: {@code Address already in use}, rather than grpc's wrapper. */
  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "model-server-call-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
