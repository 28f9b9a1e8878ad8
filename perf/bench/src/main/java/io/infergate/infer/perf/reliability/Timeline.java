package io.infergate.infer.perf.reliability;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Calls by the one-second bucket they were sent in (second 0 starts at the load's origin), each
 * bucket with its calls by status code, by variant and with an {@code x-fallback} header: what a
 * reader needs to see a canary's share fall to 0 when its server dies and come back when it
 * returns.
 *
 * <p>One lock guards the buckets: a few hundred nanoseconds a call, far below what the gateway and
 * the model servers spend on it, and it keeps the counts of a bucket consistent with each other.
 */
final class Timeline {
  private final TreeMap<Integer, MutableSecond> seconds = new TreeMap<>();

  /**
   * Counts one call sent {@code offsetNanos} after the origin (calls sent before it land in second
   * 0) that took {@code latencyMicros}.
   *
   * @param variant the variant's name, or null when the answer named none
   */
  synchronized void record(
      long offsetNanos, long latencyMicros, Status.Code code, String variant, boolean fallback) {
    int second = (int) Math.max(0, offsetNanos / 1_000_000_000L);
    MutableSecond bucket = seconds.computeIfAbsent(second, s -> new MutableSecond());
    bucket.calls++;
    bucket.codes.merge(code, 1L, Long::sum);
    if (variant != null) {
      bucket.variants.merge(variant, 1L, Long::sum);
    }
    if (fallback) {
      bucket.fallbacks++;
    }
    bucket.maxMicros = Math.max(bucket.maxMicros, latencyMicros);
  }

  /**
   * Every second from 0 to the last with a call, in order; seconds without calls are empty buckets,
   * so a stall shows as a gap rather than vanishing from the table.
   */
  synchronized List<Second> seconds() {
    List<Second> all = new ArrayList<>();
    if (seconds.isEmpty()) {
      return all;
    }
    for (int s = 0; s <= seconds.lastKey(); s++) {
      MutableSecond bucket = seconds.get(s);
      all.add(bucket == null ? Second.empty(s) : bucket.freeze(s));
    }
    return all;
  }

  /** The first second at or after {@code from} that {@code test} accepts, or -1. */
  static int firstSecond(List<Second> seconds, int from, Predicate<Second> test) {
    for (Second second : seconds) {
      if (second.second() >= from && test.test(second)) {
        return second.second();
      }
    }
    return -1;
  }

  /** The last second that {@code test} accepts, or -1. */
  static int lastSecond(List<Second> seconds, Predicate<Second> test) {
    int last = -1;
    for (Second second : seconds) {
      if (test.test(second)) {
        last = second.second();
      }
    }
    return last;
  }

  /**
   * One second's calls.
   *
   * @param second seconds after the origin at which the bucket starts
   * @param calls calls sent in it that ended, whatever their status
   * @param codes those calls by status code (codes without calls left out)
   * @param variants those calls by the variant that answered them
   * @param fallbacks those calls whose answer carried {@code x-fallback}
   * @param maxMicros the longest of those calls, µs
   */
  record Second(
      int second,
      long calls,
      Map<Status.Code, Long> codes,
      Map<String, Long> variants,
      long fallbacks,
      long maxMicros) {

    static Second empty(int second) {
      return new Second(second, 0, Map.of(), Map.of(), 0, 0);
    }

    long count(Status.Code code) {
      return codes.getOrDefault(code, 0L);
    }

    long failed() {
      return calls - count(Status.Code.OK);
    }

    long variant(String name) {
      return variants.getOrDefault(name, 0L);
    }

    /** The share of this second's calls that {@code variant} answered; 0 when there were none. */
    double share(String variant) {
      return calls == 0 ? 0 : (double) variant(variant) / calls;
    }
  }

  private static final class MutableSecond {
    private long calls;
    private final EnumMap<Status.Code, Long> codes = new EnumMap<>(Status.Code.class);
    private final TreeMap<String, Long> variants = new TreeMap<>();
    private long fallbacks;
    private long maxMicros;

    Second freeze(int second) {
      return new Second(
          second,
          calls,
          Collections.unmodifiableMap(new EnumMap<>(codes)),
          Collections.unmodifiableMap(new TreeMap<>(variants)),
          fallbacks,
          maxMicros);
    }
  }
}
