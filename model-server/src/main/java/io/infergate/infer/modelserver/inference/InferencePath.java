package io.infergate.infer.modelserver.inference;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;

/**
 * Where the protocol services hand their inference calls: the model versions calls are resolved
 * against, and the workers that run the calls of unbatched versions. See {@link InferenceCall} for
 * the path itself.
 */
public final class InferencePath {
  private final ModelResolver models;
  private final WorkerQueue workers;
  private final ModelServerTelemetry telemetry;

  /**
   * @param models where calls find their versions (and batched versions their batchers)
   * @param workers where calls of unbatched versions run; gRPC calls the services on its event
   *     loops, so a call costs one hand-off to a worker and none back, or none at all when the
   *     workers let it run where it arrived ({@link WorkerQueue#runsInline})
   */
  public InferencePath(ModelResolver models, WorkerQueue workers) {
    this(models, workers, ModelServerTelemetry.noop());
  }

  /**
   * As {@link #InferencePath(ModelResolver, WorkerQueue)}, with the telemetry the protocol services
   * start their calls' spans with.
   */
  public InferencePath(ModelResolver models, WorkerQueue workers, ModelServerTelemetry telemetry) {
    this.models = requireNonNull(models, "models");
    this.workers = requireNonNull(workers, "workers");
    this.telemetry = requireNonNull(telemetry, "telemetry");
  }

  /** The server's tracer and instruments, for the services to start their calls with. */
  public ModelServerTelemetry telemetry() {
    return telemetry;
  }

  /** The models, for requests that only look at them (metadata, readiness). */
  public ModelResolver models() {
    return models;
  }

  /** Starts {@code call}, which is answered exactly once, now or later. */
  public void submit(InferenceCall<?> call) {
    call.start(models, workers);
  }
}
