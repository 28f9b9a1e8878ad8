package io.infergate.infer.perf.reliability;

import static io.infergate.infer.gateway.proxy.AnswerHeaders.RETRY_PUSHBACK;
import static io.infergate.infer.gateway.proxy.AnswerHeaders.X_FALLBACK;
import static io.infergate.infer.gateway.proxy.AnswerHeaders.X_VARIANT;

import io.grpc.Metadata;
import io.grpc.Status;
import io.infergate.infer.perf.CallObserver;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Everything the reliability scenarios judge a load by, from each call's status, response headers
 * and trailers: calls by status code, latency of all calls and of OK ones, answers by {@code
 * x-variant} (which variant and version served them), answers carrying {@code x-fallback},
 * RESOURCE_EXHAUSTED answers carrying a {@code grpc-retry-pushback-ms} trailer, the first status
 * description of each code, and all of it per second sent ({@link Timeline}).
 *
 * <p>The gateway puts {@code x-variant} in the response headers of an answer and in the trailers of
 * a failure (an answer of trailers only), so both are read, headers first.
 */
final class CallTally implements CallObserver {
  private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(120);
  private static final Status.Code[] CODES = Status.Code.values();

  /**
   * Distinct descriptions kept per code, each with its count: enough to tell two causes of one code
   * apart, bounded because some descriptions hold per-call figures (elapsed times).
   */
  static final int DESCRIPTIONS_PER_CODE = 3;

  /** Where failures past the distinct descriptions kept are counted. */
  static final String OTHER_DESCRIPTIONS = "(other descriptions)";

  private final long originNanos;
  private final AtomicLongArray byCode = new AtomicLongArray(CODES.length);
  private final LongAdder notSent = new LongAdder();
  private final Histogram allMicros = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
  private final Histogram okMicros = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
  private final ConcurrentMap<String, LongAdder> variants = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
  private final LongAdder exhausted = new LongAdder();
  private final LongAdder exhaustedWithPushback = new LongAdder();
  private final AtomicReference<String> pushbackSample = new AtomicReference<>();
  private final ConcurrentMap<Status.Code, ConcurrentMap<String, LongAdder>> descriptions =
      new ConcurrentHashMap<>();
  private final Timeline timeline = new Timeline();

  /**
   * @param originNanos the {@link System#nanoTime()} of second 0 of the {@link Timeline}
   */
  CallTally(long originNanos) {
    this.originNanos = originNanos;
  }

  @Override
  public void ended(
      long startNanos, long endNanos, Status status, Metadata headers, Metadata trailers) {
    Status.Code code = status.getCode();
    byCode.incrementAndGet(code.value());
    long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, (endNanos - startNanos) / 1000));
    allMicros.recordValue(micros);
    if (code == Status.Code.OK) {
      okMicros.recordValue(micros);
    } else {
      countDescription(code, String.valueOf(status.getDescription()));
    }
    String variant = header(headers, trailers, X_VARIANT);
    if (variant != null) {
      variants.computeIfAbsent(variant, v -> new LongAdder()).increment();
    }
    String fallback = header(headers, trailers, X_FALLBACK);
    if (fallback != null) {
      fallbacks.computeIfAbsent(fallback, f -> new LongAdder()).increment();
    }
    if (code == Status.Code.RESOURCE_EXHAUSTED) {
      exhausted.increment();
      String pushback = trailers.get(RETRY_PUSHBACK);
      if (pushback != null) {
        exhaustedWithPushback.increment();
        pushbackSample.compareAndSet(null, pushback);
      }
    }
    timeline.record(startNanos - originNanos, micros, code, variantName(variant), fallback != null);
  }

  private void countDescription(Status.Code code, String description) {
    ConcurrentMap<String, LongAdder> seen =
        descriptions.computeIfAbsent(code, c -> new ConcurrentHashMap<>());
    LongAdder count = seen.get(description);
    if (count == null && seen.size() >= DESCRIPTIONS_PER_CODE) {
      // A race may let a few more in; the bound is about memory, not exactness.
      count = seen.computeIfAbsent(OTHER_DESCRIPTIONS, d -> new LongAdder());
    } else if (count == null) {
      count = seen.computeIfAbsent(description, d -> new LongAdder());
    }
    count.increment();
  }

  @Override
  public void notSent(long intendedNanos) {
    notSent.increment();
  }

  /** The variant's name in an {@code x-variant} value ({@code canary;version=2}), or null. */
  static String variantName(String xVariant) {
    if (xVariant == null) {
      return null;
    }
    int semicolon = xVariant.indexOf(';');
    return semicolon < 0 ? xVariant : xVariant.substring(0, semicolon);
  }

  private static String header(Metadata headers, Metadata trailers, Metadata.Key<String> key) {
    String value = headers == null ? null : headers.get(key);
    return value != null ? value : trailers.get(key);
  }

  /** What was tallied so far. */
  Summary summary() {
    Map<Status.Code, Map<String, Long>> descriptionCounts = new EnumMap<>(Status.Code.class);
    descriptions.forEach((code, counts) -> descriptionCounts.put(code, sorted(counts)));
    Map<Status.Code, Long> codes = new EnumMap<>(Status.Code.class);
    for (Status.Code code : CODES) {
      long count = byCode.get(code.value());
      if (count > 0) {
        codes.put(code, count);
      }
    }
    return new Summary(
        codes,
        notSent.sum(),
        allMicros.copy(),
        okMicros.copy(),
        sorted(variants),
        sorted(fallbacks),
        exhausted.sum(),
        exhaustedWithPushback.sum(),
        pushbackSample.get(),
        descriptionCounts,
        timeline.seconds());
  }

  private static Map<String, Long> sorted(Map<String, LongAdder> counts) {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((key, count) -> out.put(key, count.sum()));
    return out;
  }

  /**
   * A snapshot of a tally.
   *
   * @param codes calls that ended, by status code
   * @param notSent calls never sent because too many were outstanding (open loop only)
   * @param allMicros latency of every call that ended, µs
   * @param okMicros latency of the OK calls, µs
   * @param variants answers by their full {@code x-variant} value
   * @param fallbacks answers by their {@code x-fallback} value
   * @param exhausted RESOURCE_EXHAUSTED answers
   * @param exhaustedWithPushback of those, answers with a {@code grpc-retry-pushback-ms} trailer
   * @param pushbackSample one such trailer's value, or null
   * @param descriptions failures by code, then by description (the first {@link
   *     #DESCRIPTIONS_PER_CODE} distinct ones, the rest under {@link #OTHER_DESCRIPTIONS})
   * @param seconds the calls per second sent
   */
  record Summary(
      Map<Status.Code, Long> codes,
      long notSent,
      Histogram allMicros,
      Histogram okMicros,
      Map<String, Long> variants,
      Map<String, Long> fallbacks,
      long exhausted,
      long exhaustedWithPushback,
      String pushbackSample,
      Map<Status.Code, Map<String, Long>> descriptions,
      List<Timeline.Second> seconds) {

    long calls() {
      long calls = 0;
      for (long count : codes.values()) {
        calls += count;
      }
      return calls;
    }

    long count(Status.Code code) {
      return codes.getOrDefault(code, 0L);
    }

    long ok() {
      return count(Status.Code.OK);
    }

    /** Calls that ended in an error, plus calls never sent. */
    long failed() {
      return calls() - ok() + notSent;
    }

    long fallbackAnswers() {
      return fallbacks.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Answers whose {@code x-variant} names {@code variant} (any version). */
    long variant(String variant) {
      long total = 0;
      for (Map.Entry<String, Long> entry : variants.entrySet()) {
        if (variant.equals(variantName(entry.getKey()))) {
          total += entry.getValue();
        }
      }
      return total;
    }

    /** A latency percentile of all calls in ms; NaN when there were none. */
    double allMillis(double percentile) {
      return millis(allMicros, percentile);
    }

    /** A latency percentile of OK calls in ms; NaN when there were none. */
    double okMillis(double percentile) {
      return millis(okMicros, percentile);
    }

    private static double millis(Histogram micros, double percentile) {
      return micros.getTotalCount() == 0
          ? Double.NaN
          : micros.getValueAtPercentile(percentile) / 1000.0;
    }
  }
}
