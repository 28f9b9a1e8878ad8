package io.infergate.infer.modelserver.config;

import java.util.regex.Pattern;

/**
 * The TensorFlow session options every loaded model version gets. The GPU options matter only on
 * the {@code gpu} build profile (TensorFlow's GPU native library); the CPU library ignores them.
 * Absent values take the defaults of {@link #DEFAULT}.
 *
 * @param interOpThreads threads that run independent ops in parallel; -1 runs every op in the
 *     calling thread (calls are already parallel across the server's workers), 0 lets TensorFlow
 *     pick
 * @param intraOpThreads threads one op (a matrix product) may split over; 0 lets TensorFlow pick
 * @param gpuAllowGrowth allocate GPU memory as needed instead of taking it all at start, so more
 *     than one version (and process) fits on one device
 * @param gpuMemoryFraction the most of each GPU's memory this process may take, in (0, 1]; 0 leaves
 *     TensorFlow's default
 * @param gpuVisibleDevices which GPUs TensorFlow may use, as CUDA indexes such as {@code 0} or
 *     {@code 0,1}; empty means all
 */
public record TensorFlowConfig(
    Integer interOpThreads,
    Integer intraOpThreads,
    Boolean gpuAllowGrowth,
    Double gpuMemoryFraction,
    String gpuVisibleDevices) {

  /** CUDA device indexes separated by commas. */
  public static final Pattern DEVICE_LIST = Pattern.compile("|\\d{1,3}(,\\d{1,3})*");

  /** The largest thread count that may be configured. */
  public static final int THREADS_LIMIT = 1024;

  /**
   * Every op in the calling worker thread with single-threaded kernels: measured fastest for the
   * small models we serve (see docs/benchmarks.md); GPU memory grows as needed on all devices.
   */
  public static final TensorFlowConfig DEFAULT = new TensorFlowConfig(null, null, null, null, null);

  public TensorFlowConfig {
    interOpThreads = interOpThreads == null ? -1 : interOpThreads;
    intraOpThreads = intraOpThreads == null ? 1 : intraOpThreads;
    gpuAllowGrowth = gpuAllowGrowth == null || gpuAllowGrowth;
    gpuMemoryFraction = gpuMemoryFraction == null ? 0 : gpuMemoryFraction;
    gpuVisibleDevices = gpuVisibleDevices == null ? "" : gpuVisibleDevices.trim();
    new Problems()
        .range("interOpThreads", interOpThreads, -1, THREADS_LIMIT)
        .range("intraOpThreads", intraOpThreads, 0, THREADS_LIMIT)
        .check(
            gpuMemoryFraction >= 0 && gpuMemoryFraction <= 1,
            "gpuMemoryFraction: " + gpuMemoryFraction + " (expected: a number in 0..1)")
        .check(
            DEVICE_LIST.matcher(gpuVisibleDevices).matches(),
            "gpuVisibleDevices: "
                + gpuVisibleDevices
                + " (expected: CUDA device indexes such as 0 or 0,1)")
        .throwIfAny();
  }
}
