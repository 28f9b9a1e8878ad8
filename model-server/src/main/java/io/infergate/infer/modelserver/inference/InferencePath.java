package io.infergate.infer.modelserver.inference;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;

/**
 * Where the protocol services hand their inference calls: the model versions calls are resolved
 * against, and the workers that run the calls of unbatched versions. See {@link InferenceCall} for
 * the path itself.
 *
 * @param models where calls find their versions (and batched versions their batchers); also for
 *     requests that only look at them (metadata, readiness)
 * @param workers where calls of unbatched versions run; gRPC calls the services on its event loops,
 *     so a call costs one hand-off to a worker and none back, or none at all when the workers let
 *     it run where it arrived ({@link WorkerQueue#runsInline})
 * @param telemetry the server's tracer and instruments, which the protocol services start their
 *     calls' spans with
 */
public record InferencePath(
    ModelResolver models, WorkerQueue workers, ModelServerTelemetry telemetry) {

  public InferencePath {
    requireNonNull(models, "models");
    requireNonNull(workers, "workers");
    requireNonNull(telemetry, "telemetry");
  }

  /** As the canonical constructor, recording nothing. */
  public InferencePath(ModelResolver models, WorkerQueue workers) {
    this(models, workers, ModelServerTelemetry.noop());
  }

  /** Starts {@code call}, which is answered exactly once, now or later. */
  public void submit(InferenceCall<?> call) {
    call.start(models, workers);
  }
}
