package io.infergate.infer.modelserver.repository;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.ModelLoadException;
import io.infergate.infer.modelserver.backend.Shapes;
import io.infergate.infer.modelserver.backend.TensorFlowModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.config.TensorFlowConfig;
import io.infergate.infer.modelserver.monitoring.VersionMonitor;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import io.infergate.infer.observability.baseline.Baseline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a version directory into a {@link ServedVersion}: loads the SavedModel, warms it up (its
 * recorded requests, then model runs at every batch size it will see), and starts its batcher when
 * it is batchable. Only a version that passed all of that is ever served.
 */
final class VersionLoader {
  private static final Logger log = LoggerFactory.getLogger(VersionLoader.class);

  private final TensorFlowConfig tensorFlow;
  private final BatchingConfig batching;
  private final int warmupRuns;
  private final WarmupRequests recorded;
  private final Executor completions;
  private final Executor unloader;
  private final ModelServerTelemetry telemetry;
  private final MonitoringConfig monitoring;

  /**
   * @param completions where batched callers are answered (the server's workers)
   * @param unloader where drained versions are closed
   * @param telemetry where the versions' calls, batches and runs are recorded
   * @param monitoring how versions that ship a training baseline are watched
   */
  VersionLoader(
      TensorFlowConfig tensorFlow,
      BatchingConfig batching,
      int warmupRuns,
      WarmupRequests recorded,
      Executor completions,
      Executor unloader,
      ModelServerTelemetry telemetry,
      MonitoringConfig monitoring) {
    this.tensorFlow = requireNonNull(tensorFlow, "tensorFlow");
    this.batching = requireNonNull(batching, "batching");
    this.warmupRuns = warmupRuns;
    this.recorded = requireNonNull(recorded, "recorded");
    this.completions = requireNonNull(completions, "completions");
    this.unloader = requireNonNull(unloader, "unloader");
    this.telemetry = requireNonNull(telemetry, "telemetry");
    this.monitoring = requireNonNull(monitoring, "monitoring");
  }

  /**
   * Loads, warms up and (where batchable) starts batching one version.
   *
   * @throws ModelLoadException naming the directory and what failed
   */
  ServedVersion load(String model, long version, Path dir) {
    long started = System.nanoTime();
    LoadedModel loaded = TensorFlowModel.load(dir, tensorFlow);
    try {
      String unbatchable = batching.enabled() ? whyNotBatchable(loaded) : "batching is off";
      List<Integer> sizes = unbatchable == null ? warmupBatchSizes(batching) : List.of(1);
      VersionTelemetry metrics = telemetry.version(model, version);
      VersionMonitor monitor =
          monitor(loaded, dir, metrics); // before warm-up: a bad file fails fast
      int replayed = replay(loaded, dir);
      warmUp(loaded, dir, sizes);
      Batcher batcher = null;
      if (unbatchable == null) {
        batcher = Batcher.start(timed(loaded, metrics), batching, completions, metrics);
      } else if (batching.enabled()) {
        log.info("Not batching model {} version {}: {}", model, version, unbatchable);
      }
      log.info(
          "Loaded model {} version {} from {} in {} ms (warm-up: {} recorded requests, {} runs at"
              + " batch sizes {}{})",
          model,
          version,
          dir,
          (System.nanoTime() - started) / 1_000_000,
          replayed,
          warmupRuns * sizes.size(),
          sizes,
          batcher == null ? "" : "; batching up to " + batching.maxBatchSize() + " rows");
      return new ServedVersion(model, version, loaded, batcher, unloader, metrics, monitor);
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }

  /**
   * The version's monitor, from its {@code assets.extra/baseline.json}: off, said once in the log,
   * when it ships none. A baseline that cannot be read or does not fit the signature fails the
   * load, as a bad warm-up file does: it is part of the version.
   */
  private VersionMonitor monitor(LoadedModel loaded, Path dir, VersionTelemetry metrics) {
    Path file = dir.resolve(Baseline.PATH);
    if (!Files.isRegularFile(file)) {
      log.info(
          "Model {} version {}: no {}; its inputs are not monitored",
          metrics.model(),
          metrics.version(),
          Baseline.PATH);
      return VersionMonitor.OFF;
    }
    if (!monitoring.enabled()) {
      return VersionMonitor.OFF;
    }
    try {
      Baseline baseline = Baseline.read(file);
      return VersionMonitor.of(baseline, loaded, monitoring, metrics, System::nanoTime);
    } catch (IOException e) {
      throw new ModelLoadException(file + ": cannot read the baseline: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          e.getMessage().startsWith(file.toString())
              ? e.getMessage()
              : file + ": " + e.getMessage(),
          e);
    }
  }

  /** The batcher's runs, each one's time recorded as {@code infergate.model.run.duration}. */
  private static Batcher.Runner timed(LoadedModel loaded, VersionTelemetry metrics) {
    return (feeds, fetch) -> {
      long started = System.nanoTime();
      try {
        return loaded.run(feeds, fetch);
      } finally {
        metrics.recordRun(System.nanoTime() - started);
      }
    };
  }

  /** Null if every input and output has a variable first dimension, else why not. */
  static String whyNotBatchable(LoadedModel model) {
    if (model.inputs().isEmpty()) {
      return "it has no inputs";
    }
    for (TensorSpec spec : model.inputs()) {
      if (spec.shape().length == 0 || spec.shape()[0] != -1) {
        return "input '" + spec.name() + "' has shape " + spec.shapeText();
      }
    }
    for (TensorSpec spec : model.outputs()) {
      if (spec.shape().length == 0 || spec.shape()[0] != -1) {
        return "output '" + spec.name() + "' has shape " + spec.shapeText();
      }
    }
    return null;
  }

  /** One row, each preferred size, and the largest batch: the shapes a batcher will run. */
  static List<Integer> warmupBatchSizes(BatchingConfig batching) {
    return batching.warmupBatchSizes();
  }

  /**
   * Replays the version's recorded requests (real inputs, as its users send them) {@code
   * warmupRuns} times each; returns how many there were.
   */
  private int replay(LoadedModel model, Path dir) {
    if (warmupRuns == 0) {
      return 0;
    }
    List<HostTensor[]> requests = recorded.read(dir, model);
    int[] fetchAll = TensorSpec.all(model.outputs());
    for (int i = 0; i < requests.size(); i++) {
      for (int run = 0; run < warmupRuns; run++) {
        try {
          model.run(requests.get(i), fetchAll);
        } catch (RuntimeException e) {
          throw new ModelLoadException(
              dir + ": recorded warm-up request " + i + " failed: " + e.getMessage(), e);
        }
      }
    }
    return requests.size();
  }

  /**
   * Runs the signature {@code warmupRuns} times per batch size on zero-filled inputs of its own
   * shapes, and checks the outputs have the rows asked for. TensorFlow allocates, picks kernels and
   * (on a GPU) compiles on the first runs of each shape; that cost must not land on the first
   * callers, and a version whose graph cannot run must not be served.
   */
  private void warmUp(LoadedModel model, Path dir, List<Integer> batchSizes) {
    int[] fetchAll = TensorSpec.all(model.outputs());
    for (int rows : batchSizes) {
      HostTensor[] feeds = new HostTensor[model.inputs().size()];
      for (int i = 0; i < feeds.length; i++) {
        feeds[i] = zeros(model.inputs().get(i), rows);
      }
      for (int run = 0; run < warmupRuns; run++) {
        HostTensor[] outputs;
        try {
          outputs = model.run(feeds, fetchAll);
        } catch (RuntimeException e) {
          throw new ModelLoadException(
              dir + ": warm-up run at batch size " + rows + " failed: " + e.getMessage(), e);
        }
        for (int i = 0; i < outputs.length; i++) {
          long[] declared = model.outputs().get(i).shape();
          long[] shape = outputs[i].shape();
          if (declared.length > 0 && declared[0] == -1 && (shape.length == 0 || shape[0] != rows)) {
            throw new ModelLoadException(
                dir
                    + ": warm-up run at batch size "
                    + rows
                    + " returned output '"
                    + model.outputs().get(i).name()
                    + "' with shape "
                    + java.util.Arrays.toString(shape));
          }
        }
      }
    }
  }

  /**
   * A zero tensor of {@code spec}'s shape: {@code rows} for a variable first dimension, 1
   * elsewhere.
   */
  private static HostTensor zeros(TensorSpec spec, int rows) {
    long[] shape = spec.shape().clone();
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == -1) {
        shape[d] = d == 0 ? rows : 1;
      }
    }
    int bytes = Math.toIntExact(Shapes.elementCount(shape) * spec.type().byteSize());
    return new HostTensor(spec.type(), shape, ByteBuffer.allocate(bytes));
  }
}
