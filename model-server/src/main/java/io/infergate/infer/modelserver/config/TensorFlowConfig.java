package io.infergate.infer.modelserver.config;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * The TensorFlow session options every loaded model version gets. The GPU options matter only on
 * the {@code gpu} build profile (TensorFlow's GPU native library); the CPU library ignores them.
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
    int interOpThreads,
    int intraOpThreads,
    boolean gpuAllowGrowth,
    double gpuMemoryFraction,
    String gpuVisibleDevices) {

  /** CUDA device indexes separated by commas. */
  public static final Pattern DEVICE_LIST = Pattern.compile("|\\d{1,3}(,\\d{1,3})*");

  /** The largest thread count that may be configured. */
  public static final int THREADS_LIMIT = 1024;

  /**
   * Every op in the calling worker thread with single-threaded kernels: measured fastest for the
   * small models we serve (see docs/benchmarks.md); GPU memory grows as needed on all devices.
   */
  public static final TensorFlowConfig DEFAULT = new TensorFlowConfig(-1, 1, true, 0, "");

  public TensorFlowConfig {
    requireNonNull(gpuVisibleDevices, "gpuVisibleDevices");
    if (interOpThreads < -1 || interOpThreads > THREADS_LIMIT) {
      throw new IllegalArgumentException(
          "interOpThreads: "
              + interOpThreads
              + " (expected: an integer in -1.."
              + THREADS_LIMIT
              + ")");
    }
    if (intraOpThreads < 0 || intraOpThreads > THREADS_LIMIT) {
      throw new IllegalArgumentException(
          "intraOpThreads: "
              + intraOpThreads
              + " (expected: an integer in 0.."
              + THREADS_LIMIT
              + ")");
    }
    if (!(gpuMemoryFraction >= 0 && gpuMemoryFraction <= 1)) {
      throw new IllegalArgumentException(
          "gpuMemoryFraction: " + gpuMemoryFraction + " (expected: a number in 0..1)");
    }
    if (!DEVICE_LIST.matcher(gpuVisibleDevices).matches()) {
      throw new IllegalArgumentException(
          "gpuVisibleDevices: "
              + gpuVisibleDevices
              + " (expected: CUDA device indexes such as 0 or 0,1)");
    }
  }
}
