package io.infergate.infer.modelserver.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * Dynamic batching, applied to every model version whose signature inputs and outputs all have a
 * variable first dimension; other models run each call on its own. Absent values take their
 * defaults (batching off; 64 rows, 2 ms, no preferred sizes, 1024 calls).
 *
 * @param enabled whether batching is on at all (off by default: every call runs alone)
 * @param maxBatchSize the most rows (first-dimension entries) one model run takes; a call with more
 *     rows than this runs alone
 * @param maxQueueDelay how long the oldest queued call may wait for others to join its batch
 * @param preferredBatchSizes row counts worth running at once: when the queue holds at least one of
 *     them, that many run without waiting for the delay; ascending, each in 1..maxBatchSize (one
 *     number may stand for a list of one)
 * @param queueCapacity the most calls waiting per model version; more are refused with
 *     RESOURCE_EXHAUSTED
 */
public record BatchingConfig(
    Boolean enabled,
    Integer maxBatchSize,
    Duration maxQueueDelay,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<Integer> preferredBatchSizes,
    Integer queueCapacity) {

  /** The most rows a batch may be configured to hold. */
  public static final int MAX_BATCH_SIZE_LIMIT = 65_536;

  /** The most calls a queue may be configured to hold. */
  public static final int QUEUE_CAPACITY_LIMIT = 1_000_000;

  /** The longest queue delay that may be configured. */
  public static final Duration MAX_QUEUE_DELAY = Duration.ofMinutes(1);

  /** Batching off; the other values are the defaults {@code enabled: true} would use. */
  public static final BatchingConfig DISABLED = new BatchingConfig(null, null, null, null, null);

  public BatchingConfig {
    enabled = enabled != null && enabled;
    maxBatchSize = maxBatchSize == null ? 64 : maxBatchSize;
    maxQueueDelay = maxQueueDelay == null ? Duration.ofMillis(2) : maxQueueDelay;
    preferredBatchSizes =
        preferredBatchSizes == null ? List.of() : List.copyOf(preferredBatchSizes);
    queueCapacity = queueCapacity == null ? 1024 : queueCapacity;
    Problems problems =
        new Problems()
            .range("maxBatchSize", maxBatchSize, 1, MAX_BATCH_SIZE_LIMIT)
            .range("maxQueueDelay", maxQueueDelay, Duration.ZERO, MAX_QUEUE_DELAY)
            .range("queueCapacity", queueCapacity, 1, QUEUE_CAPACITY_LIMIT);
    int previous = 0;
    boolean ascending = true;
    for (int size : preferredBatchSizes) {
      ascending &= size > previous && size <= maxBatchSize;
      previous = size;
    }
    problems
        .check(
            ascending,
            "preferredBatchSizes: "
                + preferredBatchSizes
                + " (expected: ascending integers in 1.."
                + maxBatchSize
                + ", the maxBatchSize)")
        .throwIfAny();
  }

  /**
   * The rows per model run a batcher of this configuration runs most: one row, each preferred size,
   * and the largest batch, ascending. A new version is warmed up at each of them.
   */
  public List<Integer> warmupBatchSizes() {
    TreeSet<Integer> sizes = new TreeSet<>(preferredBatchSizes);
    sizes.add(1);
    sizes.add(maxBatchSize);
    return List.copyOf(sizes);
  }
}
