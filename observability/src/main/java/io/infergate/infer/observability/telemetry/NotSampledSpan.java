package io.infergate.infer.observability.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import java.util.concurrent.TimeUnit;

/**
 * The span of a call that starts a new trace and is not recorded ({@link RootSampler}): three
 * random numbers, of which all that most calls need is the {@code traceparent} header they carry
 * upstream. The hex ids and the {@link SpanContext} are made only if something asks for them (a log
 * line, a propagator other than W3C's); the header is written once and kept, for retries and shadow
 * copies of the same call.
 */
final class NotSampledSpan implements Span {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** {@code 00-<32 hex trace id>-<16 hex span id>-00}: version 00, flags 00 (not sampled). */
  private static final int TRACEPARENT_LENGTH = 55;

  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanId;

  // Lazy, unsynchronized: both are immutable and rebuilt the same from the final ids if two
  // threads race (a call's callbacks run one at a time anyway).
  private SpanContext context;
  private String traceparent;

  NotSampledSpan(long traceIdHigh, long traceIdLow, long spanId) {
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.spanId = spanId;
  }

  /** This span's context as the W3C propagator writes it. */
  String traceparent() {
    String header = traceparent;
    if (header == null) {
      char[] chars = new char[TRACEPARENT_LENGTH];
      chars[0] = '0';
      chars[1] = '0';
      chars[2] = '-';
      hex(traceIdHigh, chars, 3);
      hex(traceIdLow, chars, 19);
      chars[35] = '-';
      hex(spanId, chars, 36);
      chars[52] = '-';
      chars[53] = '0';
      chars[54] = '0';
      header = new String(chars);
      traceparent = header;
    }
    return header;
  }

  private static void hex(long value, char[] into, int at) {
    for (int i = 15; i >= 0; i--) {
      into[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  @Override
  public SpanContext getSpanContext() {
    SpanContext made = context;
    if (made == null) {
      made =
          SpanContext.create(
              TraceId.fromLongs(traceIdHigh, traceIdLow),
              SpanId.fromLong(spanId),
              TraceFlags.getDefault(),
              TraceState.getDefault());
      context = made;
    }
    return made;
  }

  @Override
  public boolean isRecording() {
    return false;
  }

  // Nothing is recorded: every write is dropped, as on any non-recording span.

  @Override
  public <T> Span setAttribute(AttributeKey<T> key, T value) {
    return this;
  }

  @Override
  public Span addEvent(String name, Attributes attributes) {
    return this;
  }

  @Override
  public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
    return this;
  }

  @Override
  public Span setStatus(StatusCode statusCode, String description) {
    return this;
  }

  @Override
  public Span recordException(Throwable exception, Attributes additionalAttributes) {
    return this;
  }

  @Override
  public Span updateName(String name) {
    return this;
  }

  @Override
  public void end() {}

  @Override
  public void end(long timestamp, TimeUnit unit) {}

  @Override
  public String toString() {
    return "NotSampledSpan{" + traceparent() + "}";
  }
}
