package io.infergate.infer.gateway.proxy;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.grpc.Status;
import io.infergate.infer.observability.telemetry.CallHistogram;
import io.infergate.infer.observability.telemetry.RootSampler;
import io.infergate.infer.observability.telemetry.RpcSpans;
import io.infergate.infer.observability.telemetry.TalliedCounter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.function.Consumer;

/**
 * The gateway's instruments and tracer, made once per gateway: what {@link ForwardingCall} records
 * into through the {@link RouteTelemetry} and {@link VariantTelemetry} attribute sets that each
 * table build makes. Names are those the dashboards and alert rules use (README, Telemetry).
 *
 * <p>Off ({@code OpenTelemetry.noop()}, or the process's metrics-only telemetry) a call costs what
 * the no-op instruments cost: tracing is checked once here, so that a call without a tracer reads
 * no header, builds no span and leaves the caller's {@code traceparent} as it came.
 *
 * <p>On, a call costs as little as we can make it (issue #13 allows telemetry 5 % of a call): the
 * counters every call updates ({@code calls.in_flight} up and down, {@code calls} once) are {@link
 * TalliedCounter tallies} that the SDK reads when it collects, not synchronous instruments; a call
 * whose caller sent no trace context skips the propagator's extraction ({@link TraceHeaders}); and
 * the duration is recorded without reading the current context (see {@link
 * VariantTelemetry#answered}).
 */
final class GatewayTelemetry {
  static final String SCOPE = "io.infergate.gateway";

  // Metric attributes.
  static final AttributeKey<String> MODEL = stringKey("model");
  static final AttributeKey<String> VARIANT = stringKey("variant");
  static final AttributeKey<String> OUTCOME = stringKey("outcome");
  static final AttributeKey<String> REASON = stringKey("reason");
  static final AttributeKey<String> FROM_VARIANT = stringKey("from_variant");
  static final AttributeKey<String> CAUSE = stringKey("cause");
  static final AttributeKey<String> SHADOW_VARIANT = stringKey("shadow_variant");
  static final AttributeKey<String> REFERENCE_VARIANT = stringKey("reference_variant");
  static final AttributeKey<String> DISTRIBUTION = stringKey("distribution");

  // Span attributes: OpenTelemetry's RPC conventions, and the project's own.
  static final AttributeKey<String> SPAN_MODEL = stringKey("infergate.model");
  static final AttributeKey<String> SPAN_VERSION = stringKey("infergate.model.version");
  static final AttributeKey<String> SPAN_VARIANT = stringKey("infergate.variant");
  static final AttributeKey<String> SPAN_FALLBACK_CAUSE = stringKey("infergate.fallback.cause");
  static final AttributeKey<Long> SPAN_ATTEMPT = longKey("infergate.attempt");

  /** What a call that reached no route is recorded under: caller input never becomes a label. */
  static final String UNKNOWN_MODEL = "unknown";

  /** The variant of calls that no variant answered (shed, refused, no healthy backend). */
  static final String NO_VARIANT = "none";

  /** 0.5 ms to 30 s: a cached answer through a fast model to a deadline-long stall. */
  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
          30.0);

  private static final GatewayTelemetry NOOP = new GatewayTelemetry(OpenTelemetry.noop());

  private final RpcSpans spans;

  private final Meter meter;

  final TalliedCounter calls;
  final TalliedCounter inFlight;
  final CallHistogram duration;
  final LongCounter shed;
  final LongCounter fallbacks;
  final LongCounter retries;
  final LongCounter shadowDropped;
  final LongCounter shadowCompared;
  final LongCounter shadowTop1Matches;
  final DoubleCounter shadowAbsDiff;
  final LongCounter shadowNotCompared;
  final LongCounter canaryNotCounted;

  /** The attribute sets of calls whose model has no route (or cannot be read). */
  private final VariantTelemetry unrouted;

  GatewayTelemetry(OpenTelemetry otel) {
    requireNonNull(otel, "otel");
    this.spans = new RpcSpans(otel, SCOPE);
    this.meter = otel.getMeter(SCOPE);
    this.calls =
        TalliedCounter.counter(
            meter,
            "infergate.gateway.calls",
            "{call}",
            "Calls answered, by model, variant that answered and outcome");
    this.duration =
        CallHistogram.of(
            otel,
            SCOPE,
            "infergate.gateway.call.duration",
            "s",
            "Time from a call's start to its answer, retries and fallbacks included",
            DURATION_BUCKETS);
    this.inFlight =
        TalliedCounter.upDownCounter(
            meter,
            "infergate.gateway.calls.in_flight",
            "{call}",
            "Calls admitted by their route and not yet answered");
    this.shed =
        meter
            .counterBuilder("infergate.gateway.shed")
            .setUnit("{call}")
            .setDescription("Calls refused because the route or every variant was full")
            .build();
    this.fallbacks =
        meter
            .counterBuilder("infergate.gateway.fallbacks")
            .setUnit("{call}")
            .setDescription("Calls answered by another variant than the one meant, by why")
            .build();
    this.retries =
        meter
            .counterBuilder("infergate.gateway.retries")
            .setUnit("{call}")
            .setDescription("Attempts that never reached a model and were made again")
            .build();
    this.shadowDropped =
        meter
            .counterBuilder("infergate.gateway.shadow.dropped")
            .setUnit("{call}")
            .setDescription("Shadow copies not sent: too many in flight or no endpoint")
            .build();
    this.shadowCompared =
        meter
            .counterBuilder("infergate.gateway.shadow.compared")
            .setUnit("{prediction}")
            .setDescription("Predictions (rows) of primary and shadow answers compared")
            .build();
    this.shadowTop1Matches =
        meter
            .counterBuilder("infergate.gateway.shadow.top1_matches")
            .setUnit("{prediction}")
            .setDescription("Predictions compared whose top-1 class was the same in both answers")
            .build();
    this.shadowAbsDiff =
        meter
            .counterBuilder("infergate.gateway.shadow.abs_diff")
            .ofDoubles()
            // No unit: "1" would make Prometheus name it ..._abs_diff_ratio_total.
            .setUnit("")
            .setDescription(
                "Sum over predictions compared of the mean absolute difference of their scores")
            .build();
    this.shadowNotCompared =
        meter
            .counterBuilder("infergate.gateway.shadow.not_compared")
            .setUnit("{call}")
            .setDescription(
                "Calls whose two answers were not compared: not decodable, or the worker behind")
            .build();
    this.canaryNotCounted =
        meter
            .counterBuilder("infergate.gateway.canary.not_counted")
            .setUnit("{call}")
            .setDescription(
                "Answers meant for a canary-drift window that were not counted: not decodable, or"
                    + " the worker behind")
            .build();
    this.unrouted = new RouteTelemetry(this, UNKNOWN_MODEL, null, null).none;
  }

  /** Telemetry that records nothing, for routes built without a gateway (tests). */
  static GatewayTelemetry noop() {
    return NOOP;
  }

  VariantTelemetry unrouted() {
    return unrouted;
  }

  /**
   * Stops reporting the tallies, with the routes: a stopped gateway's counts would otherwise stay
   * reachable from the SDK and be reported beside a newer gateway's.
   */
  void close() {
    calls.close();
    inFlight.close();
    duration.close();
  }

  /**
   * Registers the breaker-state gauge; {@code reader} reports each variant of the table in force.
   * Close it with the routes, or a stopped gateway's tables would stay reachable from the SDK.
   */
  ObservableLongGauge breakerGauge(Consumer<ObservableLongMeasurement> reader) {
    return meter
        .gaugeBuilder("infergate.gateway.breaker.state")
        .ofLongs()
        .setUnit("1")
        .setDescription("Each variant's circuit breaker: 0 closed, 1 half-open, 2 open")
        .buildWithCallback(reader);
  }

  /**
   * Registers the canary-drift gauges; {@code reader} reports each watched variant of the table in
   * force when metrics are collected, which is when the divergences are computed. Close it with the
   * routes.
   */
  BatchCallback canaryDriftGauges(Consumer<CanaryGauges> reader) {
    CanaryGauges gauges =
        new CanaryGauges(
            meter
                .gaugeBuilder("infergate.gateway.canary.drift.psi")
                .setUnit("")
                .setDescription(
                    "Population stability index of a variant's recent answers against its route's"
                        + " reference variant's: of the predicted classes (prediction) or of the"
                        + " top-1 score (top1_score)")
                .buildObserver(),
            meter
                .gaugeBuilder("infergate.gateway.canary.drift.jensen_shannon")
                .setUnit("")
                .setDescription("Jensen-Shannon divergence in bits, as the PSI gauge")
                .buildObserver(),
            meter
                .gaugeBuilder("infergate.gateway.canary.window.predictions")
                .ofLongs()
                .setUnit("{prediction}")
                .setDescription("Predictions in a watched variant's canary-drift window")
                .buildObserver());
    return meter.batchCallback(
        () -> reader.accept(gauges), gauges.psi(), gauges.jensenShannon(), gauges.predictions());
  }

  /** The canary-drift gauges one collection reports into. */
  record CanaryGauges(
      ObservableDoubleMeasurement psi,
      ObservableDoubleMeasurement jensenShannon,
      ObservableLongMeasurement predictions) {}

  /**
   * The SERVER span of an incoming call, child of the caller's {@code traceparent}; an invalid
   * (non-recording) span when tracing is off.
   */
  Span startServer(ForwardedMethod method, Metadata headers) {
    return spans.on()
        ? spans.startServer(
            method.spanName(), method.rpcAttributes(), spans.headers().extract(headers))
        : Span.getInvalid();
  }

  /**
   * A CLIENT span for one upstream call, child of {@code server}, whose context replaces the
   * caller's in {@code headers} (the caller's {@code tracestate} travels on, as the W3C propagator
   * writes it only when there is one).
   */
  Span startClient(Span server, ForwardedMethod method, Metadata headers) {
    if (!spans.on()) {
      return Span.getInvalid();
    }
    if (!RootSampler.sampled(server)) {
      // Nothing of this call is recorded: the model server gets the server span's not-sampled
      // context, so it drops the call too, without a CLIENT span built only to be dropped.
      spans.headers().injectNotSampled(server, headers);
      return Span.getInvalid();
    }
    Span client = spans.child(method.spanName(), SpanKind.CLIENT, server).startSpan();
    if (client.isRecording()) {
      client.setAllAttributes(method.rpcAttributes());
    }
    spans.headers().inject(Context.root().with(client), headers);
    return client;
  }

  /** Ends {@code span} with {@code status} ({@link RpcSpans#end}). */
  static void end(Span span, Status status, boolean server) {
    RpcSpans.end(span, status.getCode(), server);
  }
}
