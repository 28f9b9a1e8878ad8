package io.infergate.infer.modelserver.batching;

import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one batcher has done so far, counted as it goes and read as {@link BatchStats}: batches by
 * size, the calls they served, and the calls dropped or refused. Lock-free: the scheduler counts
 * batches and drops, any submitting thread counts refusals.
 */
final class BatchTally {
  /** Batches by rows, at the index of their size; the last slot holds any larger batch. */
  private final AtomicLongArray batchSizes;

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  BatchTally(int maxBatchSize) {
    this.batchSizes = new AtomicLongArray(maxBatchSize + 2);
  }

  /** A batch of {@code rows} rows served {@code calls} calls. */
  void ran(long rows, int calls) {
    batchSizes.incrementAndGet((int) Math.min(rows, batchSizes.length() - 1L));
    this.calls.addAndGet(calls);
  }

  /** A queued call was dropped: its caller had gone before it joined a batch. */
  void dropped() {
    dropped.incrementAndGet();
  }

  /** A call was refused because the queue was full. */
  void rejected() {
    rejected.incrementAndGet();
  }

  /** The counts so far, with {@code queued} calls waiting now. */
  BatchStats stats(int queued) {
    TreeMap<Integer, Long> sizes = new TreeMap<>();
    for (int size = 0; size < batchSizes.length(); size++) {
      long count = batchSizes.get(size);
      if (count > 0) {
        sizes.put(size, count);
      }
    }
    return new BatchStats(sizes, calls.get(), dropped.get(), rejected.get(), queued);
  }
}
