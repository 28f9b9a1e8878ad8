package io.infergate.infer.modelserver.telemetry;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.Objects.requireNonNull;

import io.infergate.infer.observability.telemetry.CallHistogram;
import io.infergate.infer.observability.telemetry.RpcSpans;
import io.infergate.infer.observability.telemetry.TalliedCounter;
import io.infergate.infer.observability.telemetry.TraceHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * The model server's tracer and instruments, created once per server from the process's {@link
 * OpenTelemetry}. Calls reach them through the {@link VersionTelemetry} of the version they run on,
 * which holds that version's attribute sets.
 */
public final class ModelServerTelemetry {
  /** The instrumentation scope of every model-server span and metric. */
  public static final String SCOPE = "io.infergate.modelserver";

  // Metric attributes.
  static final AttributeKey<String> MODEL = stringKey("model");
  static final AttributeKey<String> VERSION = stringKey("version");
  static final AttributeKey<String> API = stringKey("api");
  static final AttributeKey<String> OUTCOME = stringKey("outcome");

  /**
   * The {@code queue} attribute of {@code infergate.model.queue.depth}: the shared worker queue.
   */
  public static final AttributeKey<String> QUEUE = stringKey("queue");

  // Span attributes: OpenTelemetry's RPC conventions, plus the project's own.
  public static final AttributeKey<String> SPAN_MODEL = stringKey("infergate.model");
  public static final AttributeKey<String> SPAN_MODEL_VERSION =
      stringKey("infergate.model.version");
  public static final AttributeKey<Long> BATCH_SIZE = longKey("infergate.batch.size");
  public static final AttributeKey<Double> QUEUE_WAIT = doubleKey("infergate.queue.wait");

  /** The model and version of calls that never resolved one (an unknown model, a bad name). */
  public static final String UNRESOLVED = "*";

  /** From 0.5 ms to 30 s: a warm TensorFlow run up to a call that waited out a long deadline. */
  private static final List<Double> SECONDS =
      List.of(
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
          30.0);

  private static final List<Long> BATCH_CALLS = List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L);

  private static final ModelServerTelemetry NOOP = new ModelServerTelemetry(OpenTelemetry.noop());

  private final RpcSpans spans;
  private final Meter meter;
  // What every call updates is tallied and read by the SDK when it collects (TalliedCounter and
  // TalliedHistograms say why); the batch size, once a batch, is the SDK's own instrument.
  final TalliedCounter calls;
  final CallHistogram callDuration;
  final LongHistogram batchSize;
  final CallHistogram queueWait;
  final CallHistogram runDuration;
  final TalliedCounter inputCallsChecked;
  final TalliedCounter inputCallsFlagged;
  final TalliedCounter inputValuesChecked;
  final TalliedCounter inputValuesOutOfRange;
  private final VersionTelemetry unresolved;

  private ModelServerTelemetry(OpenTelemetry telemetry) {
    this.spans = new RpcSpans(telemetry, SCOPE);
    this.meter = telemetry.getMeter(SCOPE);
    this.calls =
        TalliedCounter.counter(
            meter,
            "infergate.model.calls",
            "{call}",
            "Inference calls answered, by model version, API and outcome.");
    this.callDuration =
        CallHistogram.of(
            telemetry,
            SCOPE,
            "infergate.model.call.duration",
            "s",
            "Time from a call's arrival to its answer.",
            SECONDS);
    this.batchSize =
        meter
            .histogramBuilder("infergate.model.batch.size")
            .ofLongs()
            .setUnit("{call}")
            .setDescription("Calls merged into one batched model run.")
            .setExplicitBucketBoundariesAdvice(BATCH_CALLS)
            .build();
    this.queueWait =
        CallHistogram.of(
            telemetry,
            SCOPE,
            "infergate.model.queue.wait",
            "s",
            "Time a call waited for its batch or for a worker.",
            SECONDS);
    this.runDuration =
        CallHistogram.of(
            telemetry,
            SCOPE,
            "infergate.model.run.duration",
            "s",
            "Time of one TensorFlow session run (one call, or one batch).",
            SECONDS);
    // Input monitoring: only versions that ship a training baseline record these.
    this.inputCallsChecked =
        TalliedCounter.counter(
            meter,
            "infergate.model.input.calls.checked",
            "{call}",
            "Calls whose inputs were checked against the version's baseline.");
    this.inputCallsFlagged =
        TalliedCounter.counter(
            meter,
            "infergate.model.input.calls.flagged",
            "{call}",
            "Checked calls with more than monitoring.flagThreshold of their input values"
                + " outside the baseline's range.");
    this.inputValuesChecked =
        TalliedCounter.counter(
            meter,
            "infergate.model.input.values.checked",
            "{value}",
            "Input values checked against the baseline's per-feature range.");
    this.inputValuesOutOfRange =
        TalliedCounter.counter(
            meter,
            "infergate.model.input.values.out_of_range",
            "{value}",
            "Checked input values outside the baseline's per-feature range.");
    this.unresolved = new VersionTelemetry(this, UNRESOLVED, UNRESOLVED);
  }

  /** Instruments on {@code telemetry}'s meter and tracer. */
  public static ModelServerTelemetry of(OpenTelemetry telemetry) {
    requireNonNull(telemetry, "telemetry");
    return telemetry == OpenTelemetry.noop() ? NOOP : new ModelServerTelemetry(telemetry);
  }

  /**
   * Stops reporting the counters' tallies, with the server: a stopped server's counts would
   * otherwise stay reachable from the SDK and be reported beside a newer server's.
   */
  public void close() {
    for (TalliedCounter counter :
        List.of(
            calls,
            inputCallsChecked,
            inputCallsFlagged,
            inputValuesChecked,
            inputValuesOutOfRange)) {
      counter.close();
    }
  }

  /** Records nothing: for tests of the call path and servers started without telemetry. */
  public static ModelServerTelemetry noop() {
    return NOOP;
  }

  /**
   * The attribute sets of one loaded version, built now, once: call it when the version loads, not
   * per call.
   */
  public VersionTelemetry version(String model, long number) {
    return new VersionTelemetry(this, requireNonNull(model, "model"), Long.toString(number));
  }

  /** For calls answered before they resolved a version: model and version {@code "*"}. */
  public VersionTelemetry unresolved() {
    return unresolved;
  }

  /** Whether spans are recorded at all: false with a no-op tracer provider. */
  public boolean tracing() {
    return spans.on();
  }

  /** How callers' trace context arrives in request headers (W3C {@code traceparent}). */
  public TraceHeaders traceHeaders() {
    return spans.headers();
  }

  /** For the observable gauges that the server registers over its repository and workers. */
  public Meter meter() {
    return meter;
  }

  /**
   * Starts a call's SERVER span under {@code parent} (the caller's extracted context, or null for a
   * new trace); the invalid span, without allocating, when tracing is off.
   */
  public Span startServerSpan(RpcMethod method, Context parent) {
    return spans.startServer(
        method.spanName(), method.attributes(), parent == null ? Context.root() : parent);
  }

  /**
   * Starts an INTERNAL child of {@code parent} ("queue", "run"); the invalid span when the parent
   * is not recorded, so an unsampled call builds nothing.
   */
  public Span startChild(String name, Span parent) {
    if (!parent.isRecording()) {
      return Span.getInvalid();
    }
    return spans.child(name, SpanKind.INTERNAL, parent).startSpan();
  }

  /**
   * The builder of a "batch" span, child of {@code parent} (a recorded caller's span), to which the
   * batcher adds its attributes and links.
   */
  public SpanBuilder batchSpanBuilder(Span parent) {
    return spans.child("batch", SpanKind.INTERNAL, parent);
  }
}
