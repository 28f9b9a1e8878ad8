package io.infergate.infer.modelserver;

import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.inference.WorkerQueue;
import io.infergate.infer.modelserver.repository.ModelRepository;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongGauge;

/**
 * The model server's observable gauges: queue depth per batched version and of the shared worker
 * queue, and versions loaded per model. They are read from the repository's published snapshot when
 * metrics are collected, so calls pay nothing for them.
 */
final class ModelServerGauges implements AutoCloseable {
  private static final Attributes WORKER_QUEUE =
      Attributes.of(ModelServerTelemetry.QUEUE, "worker");
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");

  private final ObservableLongGauge queueDepth;
  private final ObservableLongGauge versionsLoaded;

  private ModelServerGauges(ObservableLongGauge queueDepth, ObservableLongGauge versionsLoaded) {
    this.queueDepth = queueDepth;
    this.versionsLoaded = versionsLoaded;
  }

  static ModelServerGauges register(
      ModelServerTelemetry telemetry, ModelRepository repository, WorkerQueue workers) {
    ObservableLongGauge queueDepth =
        telemetry
            .meter()
            .gaugeBuilder("infergate.model.queue.depth")
            .ofLongs()
            .setUnit("{call}")
            .setDescription(
                "Calls waiting: per batched model version, and in the shared worker queue"
                    + " (queue=worker).")
            .buildWithCallback(
                measurement -> {
                  measurement.record(workers.waiting(), WORKER_QUEUE);
                  for (ServedModel model : repository.models()) {
                    for (ServedVersion version : model.versions().values()) {
                      Batcher batcher = version.batcher();
                      if (batcher != null) {
                        measurement.record(batcher.queuedCalls(), version.telemetry().attributes());
                      }
                    }
                  }
                });
    ObservableLongGauge versionsLoaded =
        telemetry
            .meter()
            .gaugeBuilder("infergate.model.versions.loaded")
            .ofLongs()
            .setUnit("{version}")
            .setDescription("Versions of each model loaded and served.")
            // Built per collection, not per call: the set of models changes with the repository.
            .buildWithCallback(
                measurement -> {
                  for (ServedModel model : repository.models()) {
                    measurement.record(model.versions().size(), Attributes.of(MODEL, model.name()));
                  }
                });
    return new ModelServerGauges(queueDepth, versionsLoaded);
  }

  @Override
  public void close() {
    queueDepth.close();
    versionsLoaded.close();
  }
}
