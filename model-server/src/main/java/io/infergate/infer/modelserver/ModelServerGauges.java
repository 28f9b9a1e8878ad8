package io.infergate.infer.modelserver;

import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.inference.WorkerQueue;
import io.infergate.infer.modelserver.monitoring.VersionMonitor;
import io.infergate.infer.modelserver.repository.ModelRepository;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

/**
 * The model server's observable gauges: queue depth per batched version and of the shared worker
 * queue, versions loaded per model, and per monitored version its drift from the training baseline
 * and its out-of-range values per feature. They are read from the repository's published snapshot
 * when metrics are collected, so calls pay nothing for them (the divergences are computed here).
 *
 * @param queueDepth {@code infergate.model.queue.depth}
 * @param versionsLoaded {@code infergate.model.versions.loaded}
 * @param monitoring the drift and data-quality instruments' one callback
 */
record ModelServerGauges(
    ObservableLongGauge queueDepth, ObservableLongGauge versionsLoaded, BatchCallback monitoring)
    implements AutoCloseable {
  private static final Attributes WORKER_QUEUE =
      Attributes.of(ModelServerTelemetry.QUEUE, "worker");
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");

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
    return new ModelServerGauges(
        queueDepth, versionsLoaded, registerMonitoring(telemetry, repository));
  }

  /**
   * Drift and per-feature data quality of every monitored version, in one callback so that each
   * version's window is summed once per collection.
   */
  private static BatchCallback registerMonitoring(
      ModelServerTelemetry telemetry, ModelRepository repository) {
    var meter = telemetry.meter();
    ObservableLongMeasurement featureOutOfRange =
        meter
            .counterBuilder("infergate.model.input.feature.out_of_range")
            .setUnit("{value}")
            .setDescription("Input values outside the baseline's range, per feature.")
            .buildObserver();
    ObservableDoubleMeasurement psi =
        meter
            .gaugeBuilder("infergate.model.drift.psi")
            .setDescription(
                "Population stability index of the drift window against the baseline: of the"
                    + " predicted classes, or the mean over input features.")
            .buildObserver();
    ObservableDoubleMeasurement jensenShannon =
        meter
            .gaugeBuilder("infergate.model.drift.jensen_shannon")
            .setDescription(
                "Jensen-Shannon divergence (bits, 0..1) of the drift window against the baseline,"
                    + " as for infergate.model.drift.psi.")
            .buildObserver();
    ObservableDoubleMeasurement featurePsi =
        meter
            .gaugeBuilder("infergate.model.drift.feature.psi")
            .setDescription("Population stability index of one input feature's drift window.")
            .buildObserver();
    ObservableLongMeasurement windowRows =
        meter
            .gaugeBuilder("infergate.model.drift.window.rows")
            .ofLongs()
            .setUnit("{row}")
            .setDescription("Rows in the drift window: inputs, and predicted classes counted.")
            .buildObserver();
    return meter.batchCallback(
        () -> {
          for (ServedModel model : repository.models()) {
            for (ServedVersion version : model.versions().values()) {
              VersionMonitor monitor = version.monitor();
              if (!monitor.on()) {
                continue;
              }
              for (int f = 0; f < monitor.features(); f++) {
                featureOutOfRange.record(
                    monitor.featureOutOfRange(f), monitor.featureAttributes(f));
              }
              VersionMonitor.Drift drift = monitor.drift();
              windowRows.record(drift.inputRows(), monitor.inputAttributes());
              windowRows.record(drift.predictedRows(), monitor.predictionAttributes());
              if (!Double.isNaN(drift.inputPsi())) {
                psi.record(drift.inputPsi(), monitor.inputAttributes());
                jensenShannon.record(drift.inputJensenShannon(), monitor.inputAttributes());
                for (int f = 0; f < monitor.features(); f++) {
                  featurePsi.record(drift.featurePsi()[f], monitor.featureAttributes(f));
                }
              }
              if (!Double.isNaN(drift.predictionPsi())) {
                psi.record(drift.predictionPsi(), monitor.predictionAttributes());
                jensenShannon.record(
                    drift.predictionJensenShannon(), monitor.predictionAttributes());
              }
            }
          }
        },
        featureOutOfRange,
        psi,
        jensenShannon,
        featurePsi,
        windowRows);
  }

  @Override
  public void close() {
    queueDepth.close();
    versionsLoaded.close();
    monitoring.close();
  }
}
