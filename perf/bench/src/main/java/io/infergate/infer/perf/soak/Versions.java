package io.infergate.infer.perf.soak;

import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * The answers of the soak's load by the {@code model_version} they carry, and when each version
 * first answered, which is how a swap is seen to complete.
 */
final class Versions implements BiConsumer<ModelInferResponse, Long> {
  private final ConcurrentMap<Long, LongAdder> answersByVersion = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, CompletableFuture<Long>> firstAnswerNanos =
      new ConcurrentHashMap<>();

  @Override
  public void accept(ModelInferResponse response, Long nanos) {
    long version = version(response);
    firstAnswerNanos(version).complete(nanos);
    answersByVersion.computeIfAbsent(version, v -> new LongAdder()).increment();
  }

  /** OK answers by the {@code model_version} they carry. */
  SortedMap<Long, Long> answersByVersion() {
    SortedMap<Long, Long> counts = new TreeMap<>();
    answersByVersion.forEach((version, count) -> counts.put(version, count.sum()));
    return counts;
  }

  /** Completes with the {@link System#nanoTime()} of the first answer from {@code version}. */
  CompletableFuture<Long> firstAnswerNanos(long version) {
    return firstAnswerNanos.computeIfAbsent(version, v -> new CompletableFuture<>());
  }

  /** The answer's version; -1 if it names none or not a number, which the report shows. */
  private static long version(ModelInferResponse response) {
    try {
      return Long.parseLong(response.getModelVersion());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
