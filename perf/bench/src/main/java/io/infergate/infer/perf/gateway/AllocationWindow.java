package io.infergate.infer.perf.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes a JVM allocated per call, from JFR's {@code jdk.ThreadAllocationStatistics} (each thread's
 * cumulative allocated bytes, sampled once per period) and the completion times of the calls in
 * h2load's log: the allocation between two sample batches inside the measured window divided by the
 * calls completed between them.
 */
final class AllocationWindow {
  /** Samples of one period are emitted together; a gap this large starts the next batch. */
  private static final long BATCH_GAP_MICROS = 200_000;

  private AllocationWindow() {}

  /** One thread's cumulative allocated bytes at a sample time. */
  record Sample(long threadId, long epochMicros, long allocatedBytes) {}

  /**
   * @param bytes bytes allocated by all threads between the two batches
   * @param calls calls completed between them
   * @param fromMicros time of the first batch used
   * @param toMicros time of the last batch used
   */
  record Result(long bytes, long calls, long fromMicros, long toMicros) {
    double bytesPerCall() {
      return calls == 0 ? Double.NaN : (double) bytes / calls;
    }
  }

  /**
   * Measures over the widest pair of sample batches that lie within {@code [fromMicros, toMicros]}.
   * A thread first seen in the last batch counts from zero; a thread gone by then (none of a
   * gateway's are, under steady load) is not counted.
   *
   * @throws IllegalArgumentException if fewer than two batches lie within the window
   */
  static Result measure(List<Sample> samples, H2LoadLog log, long fromMicros, long toMicros) {
    List<List<Sample>> batches = batches(samples);
    List<Sample> first = null;
    List<Sample> last = null;
    for (List<Sample> batch : batches) {
      long at = batch.get(0).epochMicros();
      if (at >= fromMicros && at <= toMicros) {
        if (first == null) {
          first = batch;
        }
        last = batch;
      }
    }
    if (first == null || first == last) {
      throw new IllegalArgumentException(
          "fewer than two allocation sample batches within the measured window");
    }
    Map<Long, Long> before = new HashMap<>();
    for (Sample sample : first) {
      before.put(sample.threadId(), sample.allocatedBytes());
    }
    long bytes = 0;
    for (Sample sample : last) {
      bytes += sample.allocatedBytes() - before.getOrDefault(sample.threadId(), 0L);
    }
    long from = first.get(0).epochMicros();
    long to = last.get(0).epochMicros();
    return new Result(bytes, log.completedBetween(from, to), from, to);
  }

  static List<List<Sample>> batches(List<Sample> samples) {
    List<Sample> sorted = new ArrayList<>(samples);
    sorted.sort((a, b) -> Long.compare(a.epochMicros(), b.epochMicros()));
    List<List<Sample>> batches = new ArrayList<>();
    List<Sample> current = null;
    for (Sample sample : sorted) {
      if (current == null
          || sample.epochMicros() - current.get(0).epochMicros() > BATCH_GAP_MICROS) {
        current = new ArrayList<>();
        batches.add(current);
      }
      current.add(sample);
    }
    return batches;
  }
}
