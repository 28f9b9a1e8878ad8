package io.infergate.infer.perf.soak;

import io.infergate.infer.perf.kit.ProcessStatus;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The server process at one moment of the soak, and how far the load and the swaps had got.
 *
 * @param elapsed since the load started
 * @param process RSS and threads from /proc
 * @param fileDescriptors open file descriptors
 * @param jvm NMT committed total and heap in use, from jcmd
 * @param gc the heap after the newest collection, from the server's GC log
 * @param swaps swaps completed so far
 * @param calls calls ended so far, whatever their status
 * @param failedCalls calls ended so far with a status other than OK
 * @param latencyMicros latency of the OK calls answered since the previous sample
 */
record Sample(
    Duration elapsed,
    ProcessStatus process,
    int fileDescriptors,
    JvmMemory jvm,
    GcLog gc,
    int swaps,
    long calls,
    long failedCalls,
    Histogram latencyMicros) {

  double minutes() {
    return elapsed.toNanos() / 60e9;
  }

  double rssMb() {
    return process.rssKb() / 1024.0;
  }

  double rssAnonMb() {
    return process.rssAnonKb() / 1024.0;
  }

  double nmtCommittedMb() {
    return jvm.nmtCommittedKb() / 1024.0;
  }

  double heapUsedMb() {
    return jvm.heapUsedKb() / 1024.0;
  }

  /** The heap after the newest collection; NaN before the first. */
  double heapAfterGcMb() {
    return gc.heapAfterLastGcKb() < 0 ? Double.NaN : gc.heapAfterLastGcKb() / 1024.0;
  }
}
