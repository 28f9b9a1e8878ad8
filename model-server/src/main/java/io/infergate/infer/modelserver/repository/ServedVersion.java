package io.infergate.infer.modelserver.repository;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.monitoring.VersionMonitor;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded, warmed-up model version, and the count of calls using it. The repository holds one
 * reference while the version is served and every call holds one while it runs; when the repository
 * retires the version and the last call releases it, its batcher and TensorFlow session are closed.
 * That is how a swapped-out version drains: without locks, and never freed under a running call.
 */
public final class ServedVersion {
  private static final Logger log = LoggerFactory.getLogger(ServedVersion.class);

  private final String model;
  private final long number;
  private final LoadedModel loaded;
  private final Batcher batcher;
  private final Executor unloader;
  private final VersionTelemetry telemetry;
  private final VersionMonitor monitor;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private final CompletableFuture<Void> unloaded = new CompletableFuture<>();
  private volatile long retiredNanos;

  /**
   * A version as the repository serves it (tests of the call path make their own).
   *
   * @param model the model's name
   * @param loaded the loaded model, which this version closes once drained
   * @param batcher the version's batcher, or null when its calls run one by one
   * @param unloader where the version is closed once drained (the repository's own thread)
   */
  public ServedVersion(
      String model, long number, LoadedModel loaded, Batcher batcher, Executor unloader) {
    this(
        model,
        number,
        loaded,
        batcher,
        unloader,
        ModelServerTelemetry.noop().version(model, number),
        VersionMonitor.OFF);
  }

  /**
   * As {@link #ServedVersion(String, long, LoadedModel, Batcher, Executor)}, recording its calls
   * through {@code telemetry} (built once, when the version loads) and watching its inputs and
   * predictions through {@code monitor} ({@link VersionMonitor#OFF} when it ships no baseline).
   */
  public ServedVersion(
      String model,
      long number,
      LoadedModel loaded,
      Batcher batcher,
      Executor unloader,
      VersionTelemetry telemetry,
      VersionMonitor monitor) {
    this.model = requireNonNull(model, "model");
    this.number = number;
    this.loaded = requireNonNull(loaded, "loaded");
    this.batcher = batcher;
    this.unloader = requireNonNull(unloader, "unloader");
    this.telemetry = requireNonNull(telemetry, "telemetry");
    this.monitor = requireNonNull(monitor, "monitor");
  }

  /** The model's name. */
  public String model() {
    return model;
  }

  /** The version number, which is its directory name. */
  public long number() {
    return number;
  }

  /** The loaded model: its signature, and the run. */
  public LoadedModel loaded() {
    return loaded;
  }

  /** Where calls on this version record their metrics: its attribute sets, built once. */
  public VersionTelemetry telemetry() {
    return telemetry;
  }

  /** What watches this version's inputs against its training baseline (maybe {@code OFF}). */
  public VersionMonitor monitor() {
    return monitor;
  }

  /** The batcher that queues this version's calls, or null when they run one by one. */
  public Batcher batcher() {
    return batcher;
  }

  /**
   * Takes a reference for one call, which must {@link #release} it exactly once when answered.
   * False when the version has been retired and drained meanwhile: look it up again.
   */
  public boolean tryAcquire() {
    for (; ; ) {
      int count = references.get();
      if (count == 0) {
        return false;
      }
      if (references.compareAndSet(count, count + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference taken by {@link #tryAcquire}. */
  public void release() {
    if (references.decrementAndGet() == 0) {
      try {
        unloader.execute(this::unload);
      } catch (RejectedExecutionException repositoryClosing) {
        unload();
      }
    }
  }

  /** Calls holding a reference now: acquired and not yet released. */
  public int callsInFlight() {
    int references = this.references.get();
    return retired.get() || references == 0 ? references : references - 1;
  }

  /** Completes once the version is closed. */
  CompletableFuture<Void> unloaded() {
    return unloaded;
  }

  /**
   * Drops the repository's reference: no new call can acquire the version once the repository has
   * stopped publishing it, and it closes when the calls in flight are done. Calls queued for a
   * batch run at once rather than wait for it to fill. Idempotent.
   */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      retiredNanos = System.nanoTime();
      if (batcher != null) {
        batcher.drain();
      }
      release();
    }
  }

  private void unload() {
    try {
      if (batcher != null) {
        batcher.close();
        // perf/bin/batching-bench reads the batch sizes from this line.
        log.info("Batching summary for model {} version {}: {}", model, number, batcher.stats());
      }
      loaded.close();
      log.info(
          "Unloaded model {} version {} ({} ms after it was retired)",
          model,
          number,
          (System.nanoTime() - retiredNanos) / 1_000_000);
    } finally {
      unloaded.complete(null);
    }
  }

  @Override
  public String toString() {
    return "model '" + model + "' version " + number;
  }
}
