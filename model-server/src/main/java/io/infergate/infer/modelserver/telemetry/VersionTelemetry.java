package io.infergate.infer.modelserver.telemetry;

import io.infergate.infer.observability.telemetry.HistogramSeries;
import io.infergate.infer.observability.telemetry.Tally;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * The metrics of one served model version: its attribute sets, built once when it loads, so that a
 * call records each measurement with no allocation beyond the instrument's own. Thread-safe and
 * lock-free (instruments are).
 */
public final class VersionTelemetry {
  private static final double NANOS_PER_SECOND = 1e9;
  private static final Outcome[] OUTCOMES = Outcome.values();

  private final ModelServerTelemetry server;
  private final String model;
  private final String version;
  private final Attributes attributes;

  /**
   * About what a run of this version costs (0 before its first run), which the call path reads to
   * decide whether a call is cheap enough to run on the thread that received it. A run's wall time
   * is its cost plus however long the thread was preempted, which on a busy host is often more than
   * the cost: so a shorter run lowers the estimate at once and longer ones raise it by an eighth of
   * the difference (a model that really got slower still moves it up within tens of runs). Updated
   * without a lock: a lost update only skews an estimate.
   */
  private volatile long recentRunNanos;

  /** {@code [model, version, api, outcome]}, at {@code api.ordinal() * OUTCOMES + outcome}. */
  private final Attributes[] callAttributes;

  /**
   * {@code infergate.model.calls} and {@code ...call.duration} at each of {@link #callAttributes}.
   */
  private final Tally[] calls;

  private final HistogramSeries[] callDuration;
  private final HistogramSeries queueWait;
  private final HistogramSeries runDuration;

  // The input-monitoring counters, at [model, version].
  private final Tally inputCallsChecked;
  private final Tally inputCallsFlagged;
  private final Tally inputValuesChecked;
  private final Tally inputValuesOutOfRange;

  VersionTelemetry(ModelServerTelemetry server, String model, String version) {
    this.server = server;
    this.model = model;
    this.version = version;
    this.attributes =
        Attributes.of(ModelServerTelemetry.MODEL, model, ModelServerTelemetry.VERSION, version);
    Api[] apis = Api.values();
    this.callAttributes = new Attributes[apis.length * OUTCOMES.length];
    for (Api api : apis) {
      for (Outcome outcome : OUTCOMES) {
        callAttributes[index(api, outcome)] =
            attributes.toBuilder()
                .put(ModelServerTelemetry.API, api.value())
                .put(ModelServerTelemetry.OUTCOME, outcome.value())
                .build();
      }
    }
    this.calls = new Tally[callAttributes.length];
    this.callDuration = new HistogramSeries[callAttributes.length];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = server.calls.series(callAttributes[i]);
      callDuration[i] = server.callDuration.series(callAttributes[i]);
    }
    this.queueWait = server.queueWait.series(attributes);
    this.runDuration = server.runDuration.series(attributes);
    this.inputCallsChecked = server.inputCallsChecked.series(attributes);
    this.inputCallsFlagged = server.inputCallsFlagged.series(attributes);
    this.inputValuesChecked = server.inputValuesChecked.series(attributes);
    this.inputValuesOutOfRange = server.inputValuesOutOfRange.series(attributes);
  }

  /** The server's tracer and instruments. */
  public ModelServerTelemetry server() {
    return server;
  }

  /** The model's name ({@code "*"} for calls that resolved none). */
  public String model() {
    return model;
  }

  /** The version number as text ({@code "*"} for calls that resolved none). */
  public String version() {
    return version;
  }

  /** {@code [model, version]}, for the per-version metrics and gauges. */
  public Attributes attributes() {
    return attributes;
  }

  /**
   * A call was answered: {@code infergate.model.calls} and {@code infergate.model.call.duration}.
   */
  public void recordCall(Api api, Outcome outcome, long durationNanos) {
    int index = index(api, outcome);
    calls[index].add(1);
    callDuration[index].record(durationNanos / NANOS_PER_SECOND);
  }

  /** A call left its queue (its batcher's, or the worker queue) after {@code waitedNanos}. */
  public void recordQueueWait(long waitedNanos) {
    queueWait.record(waitedNanos / NANOS_PER_SECOND);
  }

  /** One TensorFlow session run took {@code nanos}. */
  public void recordRun(long nanos) {
    runDuration.record(nanos / NANOS_PER_SECOND);
    long recent = recentRunNanos;
    recentRunNanos = recent == 0 || nanos < recent ? nanos : recent + ((nanos - recent) >> 3);
  }

  /** About how long a run of this version takes now: 0 until it has run once. */
  public long recentRunNanos() {
    return recentRunNanos;
  }

  /** One batched run served {@code calls} calls. */
  public void recordBatch(long calls) {
    server.batchSize.record(calls, attributes);
  }

  /**
   * A call's inputs were checked against the baseline: {@code values} of them, {@code outOfRange}
   * outside it, and whether that flagged the call.
   */
  public void recordInputCheck(long values, long outOfRange, boolean flagged) {
    inputCallsChecked.add(1);
    inputValuesChecked.add(values);
    if (outOfRange > 0) {
      inputValuesOutOfRange.add(outOfRange);
    }
    if (flagged) {
      inputCallsFlagged.add(1);
    }
  }

  /** Names the served model and version on a recorded span. */
  public void describe(Span span) {
    if (span.isRecording()) {
      span.setAttribute(ModelServerTelemetry.SPAN_MODEL, model);
      span.setAttribute(ModelServerTelemetry.SPAN_MODEL_VERSION, version);
    }
  }

  private static int index(Api api, Outcome outcome) {
    return api.ordinal() * OUTCOMES.length + outcome.ordinal();
  }
}
