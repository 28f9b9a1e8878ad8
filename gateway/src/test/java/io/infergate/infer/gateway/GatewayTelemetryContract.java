package io.infergate.infer.gateway;

import static io.infergate.infer.gateway.testing.GatewayClient.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Pending;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.Routes;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway records of the calls it forwards, through an SDK with in-memory exporters: a
 * SERVER span under the caller's trace, a CLIENT span per attempt whose context the model server
 * receives, and the metrics dashboards read. Runs in-process and over Netty loopback sockets.
 */
abstract class GatewayTelemetryContract extends OneGatewayTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String CALLER_SPAN_ID = "b7ad6b7169203331";
  private static final String CALLER_TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01";
  private static final Metadata.Key<String> TRACEPARENT = GatewayClient.header("traceparent");
  private static final Metadata.Key<String> TRACESTATE = GatewayClient.header("tracestate");
  private static final String MODEL_INFER = "inference.GRPCInferenceService/ModelInfer";

  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();

  GatewayTelemetryContract(Transport transport) {
    super(transport);
  }

  @AfterEach
  void closeSdk() {
    telemetry.close();
  }

  @Test
  void aCallIsAServerSpanUnderTheCallersTraceAndAClientSpanWhoseContextTheBackendReceives() {
    FakeBackend stable = bed.backend("stable");
    start(Routes.sole("digits", stable));

    Reply reply =
        client.infer(
            "digits", "3", Map.of("traceparent", CALLER_TRACEPARENT, "tracestate", "vendor=1"));

    assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
    List<SpanData> finished = awaitSpans(2);
    SpanData server = only(finished, SpanKind.SERVER);
    SpanData upstream = only(finished, SpanKind.CLIENT);
    assertThat(server.getName()).isEqualTo(MODEL_INFER);
    assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(server.getParentSpanId()).isEqualTo(CALLER_SPAN_ID);
    assertThat(server.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("rpc.system"), "grpc")
        .containsEntry(AttributeKey.stringKey("rpc.service"), "inference.GRPCInferenceService")
        .containsEntry(AttributeKey.stringKey("rpc.method"), "ModelInfer")
        .containsEntry(AttributeKey.longKey("rpc.grpc.status_code"), 0L)
        .containsEntry(AttributeKey.stringKey("infergate.model"), "digits")
        .containsEntry(AttributeKey.stringKey("infergate.model.version"), "3")
        .containsEntry(AttributeKey.stringKey("infergate.variant"), "stable")
        .doesNotContainKey(AttributeKey.stringKey("infergate.fallback.cause"));
    assertThat(upstream.getName()).isEqualTo(MODEL_INFER);
    assertThat(upstream.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(upstream.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(upstream.getAttributes().asMap())
        .containsEntry(AttributeKey.longKey("infergate.attempt"), 1L)
        .containsEntry(AttributeKey.stringKey("infergate.variant"), "stable")
        .containsEntry(AttributeKey.stringKey("infergate.model"), "digits")
        .containsEntry(AttributeKey.longKey("rpc.grpc.status_code"), 0L);
    Metadata received = stable.received().peek().headers();
    assertThat(received.getAll(TRACEPARENT))
        .containsExactly("00-" + TRACE_ID + "-" + upstream.getSpanId() + "-01");
    assertThat(received.get(TRACESTATE)).isEqualTo("vendor=1");

    assertThat(sum("infergate.gateway.calls", calls("digits", "stable", "success"))).isEqualTo(1);
    assertThat(
            histogramCount("infergate.gateway.call.duration", calls("digits", "stable", "success")))
        .isEqualTo(1);
    assertThat(sum("infergate.gateway.calls.in_flight", Attributes.of(key("model"), "digits")))
        .isZero();
    assertThat(gauge("infergate.gateway.breaker.state", variant("digits", "stable"))).isZero();
  }

  @Test
  void aCallRetriedOnAnotherEndpointHasOneClientSpanPerAttempt() {
    FakeBackend first = bed.backend("first");
    FakeBackend second = bed.backend("second");
    start(Routes.spread("pushy", List.of(first, second), Routes.NEVER_TRIPS));

    Reply reply = client.infer("pushy", Map.of("x-fake", "fail:UNAVAILABLE:busy"));

    assertThat(reply.code()).isEqualTo(Status.Code.UNAVAILABLE);
    List<SpanData> finished = awaitSpans(3);
    SpanData server = only(finished, SpanKind.SERVER);
    List<SpanData> attempts =
        finished.stream()
            .filter(span -> span.getKind() == SpanKind.CLIENT)
            .sorted(Comparator.comparing(span -> span.getAttributes().get(attempt())))
            .toList();
    assertThat(attempts)
        .extracting(span -> span.getAttributes().get(attempt()))
        .containsExactly(1L, 2L);
    assertThat(attempts)
        .allSatisfy(
            span -> {
              assertThat(span.getParentSpanId()).isEqualTo(server.getSpanId());
              assertThat(span.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
                  .isEqualTo(14L);
            });
    assertThat(first.calls() + second.calls()).isEqualTo(2);
    assertThat(sum("infergate.gateway.retries", variant("pushy", "pushy"))).isEqualTo(1);
    assertThat(sum("infergate.gateway.calls", calls("pushy", "pushy", "not_reached"))).isEqualTo(1);
  }

  @Test
  void aFallbackRecordsItsCauseOnTheSpansAndInMetricsBesideTheOpenBreaker() {
    startStableAndCanary(
        "fail:INTERNAL:broken",
        "breaker: {window: 10s, minimumCalls: 3, failureRate: 50, openFor: 1m}");
    client.inferUntilFallback("digits", ON_CANARY, "circuit_open;from=canary", PATIENCE);
    telemetry.resetSpans();

    Reply reply = client.infer("digits", withHeader(ON_CANARY, "traceparent", CALLER_TRACEPARENT));

    assertThat(reply.variant()).isEqualTo("stable");
    // The call before reset() may end its span after it (the caller is answered first): count
    // only this call's trace.
    List<SpanData> finished = awaitSpansOfTrace(CALLER_TRACEPARENT, 2);
    assertThat(only(finished, SpanKind.SERVER).getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("infergate.fallback.cause"), "circuit_open")
        .containsEntry(AttributeKey.stringKey("infergate.variant"), "stable");
    assertThat(only(finished, SpanKind.CLIENT).getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("infergate.fallback.cause"), "circuit_open")
        .containsEntry(AttributeKey.stringKey("infergate.variant"), "stable");
    Attributes fromCanary =
        Attributes.of(
            key("model"), "digits", key("from_variant"), "canary", key("cause"), "circuit_open");
    assertThat(sum("infergate.gateway.fallbacks", fromCanary)).isGreaterThanOrEqualTo(2);
    assertThat(sum("infergate.gateway.calls", calls("digits", "canary", "backend_failure")))
        .isGreaterThanOrEqualTo(3);
    assertThat(sum("infergate.gateway.calls", calls("digits", "stable", "success")))
        .isEqualTo(sum("infergate.gateway.fallbacks", fromCanary));
    assertThat(gauge("infergate.gateway.breaker.state", variant("digits", "canary"))).isEqualTo(2);
    assertThat(gauge("infergate.gateway.breaker.state", variant("digits", "stable"))).isZero();
  }

  @Test
  void shedCallsAreCountedByReasonAndCallsOfNoRouteUnderAnUnknownModel() {
    FakeBackend backend = bed.backend("backend");
    start(
        """
          - model: narrow
            variants:
              - {name: only, weight: 1, endpoints: ["%1$s"]}
            limits: {maxInFlight: 1}
          - model: thin
            variants:
              - {name: only, weight: 1, endpoints: ["%1$s"]}
            limits: {maxInFlightPerVariant: 1}
        """
            .formatted(backend.endpoint()));
    Map<String, String> hold = Map.of("x-fake", "hold");
    List<Pending> held =
        List.of(
            client.open("narrow", hold, CallOptions.DEFAULT, true),
            client.open("thin", hold, CallOptions.DEFAULT, true));
    await().atMost(PATIENCE).until(() -> backend.held() == 2);
    assertThat(sum("infergate.gateway.calls.in_flight", Attributes.of(key("model"), "narrow")))
        .isEqualTo(1);

    assertThat(client.infer("narrow", Map.of()).code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(client.infer("thin", Map.of()).code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(client.infer("nobody-routes-this", Map.of()).isOk()).isFalse();

    backend.releaseHeld();
    assertThat(held).allSatisfy(pending -> assertThat(pending.timed().reply().isOk()).isTrue());
    Attributes routeFull = Attributes.of(key("model"), "narrow", key("reason"), "route_full");
    Attributes bulkheadFull = Attributes.of(key("model"), "thin", key("reason"), "bulkhead_full");
    assertThat(sum("infergate.gateway.shed", routeFull)).isEqualTo(1);
    assertThat(sum("infergate.gateway.shed", bulkheadFull)).isEqualTo(1);
    assertThat(sum("infergate.gateway.calls", calls("narrow", "none", "rejected"))).isEqualTo(1);
    assertThat(sum("infergate.gateway.calls", calls("thin", "none", "rejected"))).isEqualTo(1);
    assertThat(sum("infergate.gateway.calls", calls("unknown", "none", "caller_error")))
        .isEqualTo(1);
    assertThat(sum("infergate.gateway.calls", calls("narrow", "only", "success"))).isEqualTo(1);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                sum("infergate.gateway.calls.in_flight", Attributes.of(key("model"), "narrow"))
                    == 0);
  }

  @Test
  void aShadowCopyIsAClientSpanBesideTheAttemptAndADroppedCopyIsCounted() {
    FakeBackend stable = bed.backend("stable");
    FakeBackend candidate = bed.backend("candidate", "hold");
    start(
        Routes.split(
            "shadowed",
            stable,
            1,
            candidate,
            0,
            "shadow: {variant: candidate, fraction: 1.0, maxInFlight: 1, timeout: 10s}"));

    assertThat(client.infer("shadowed", Map.of("traceparent", CALLER_TRACEPARENT)).isOk()).isTrue();
    await().atMost(PATIENCE).until(() -> candidate.held() == 1);
    assertThat(client.infer("shadowed", Map.of()).isOk()).as("its copy is dropped").isTrue();
    candidate.releaseHeld();

    await()
        .atMost(PATIENCE)
        .until(
            () ->
                telemetry.spans().stream()
                        .filter(span -> span.getTraceId().equals(TRACE_ID))
                        .count()
                    == 3);
    List<SpanData> traced =
        telemetry.spans().stream().filter(span -> span.getTraceId().equals(TRACE_ID)).toList();
    SpanData server = only(traced, SpanKind.SERVER);
    List<SpanData> upstream =
        traced.stream().filter(span -> span.getKind() == SpanKind.CLIENT).toList();
    assertThat(upstream)
        .allSatisfy(span -> assertThat(span.getParentSpanId()).isEqualTo(server.getSpanId()));
    SpanData copy =
        upstream.stream()
            .filter(span -> "candidate".equals(span.getAttributes().get(key("infergate.variant"))))
            .findFirst()
            .orElseThrow();
    assertThat(copy.getAttributes().get(attempt())).as("a copy is no attempt").isNull();
    assertThat(candidate.received().peek().headers().get(TRACEPARENT))
        .isEqualTo("00-" + TRACE_ID + "-" + copy.getSpanId() + "-01");
    assertThat(sum("infergate.gateway.shadow.dropped", variant("shadowed", "candidate")))
        .isEqualTo(1);
  }

  @Test
  void aCallTheSamplerDropsRecordsNoSpanYetTellsTheBackendItIsNotSampled() {
    FakeBackend stable = bed.backend("stable");
    start(Routes.sole("digits", stable));
    String notSampled = "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-00";

    Reply reply = client.infer("digits", Map.of("traceparent", notSampled));

    assertThat(reply.isOk()).isTrue();
    String received = stable.received().peek().headers().get(TRACEPARENT);
    // Same trace, flags 00, and a parent of the gateway's own: the model server drops it too.
    assertThat(received).startsWith("00-" + TRACE_ID + "-").endsWith("-00");
    assertThat(received).isNotEqualTo(notSampled);
    assertThat(sum("infergate.gateway.calls", calls("digits", "stable", "success"))).isEqualTo(1);
    assertThat(telemetry.spans()).isEmpty();
  }

  @Test
  void aNewTraceTheGatewayDoesNotSampleRecordsNoSpanYetTellsTheBackendItIsNotSampled() {
    FakeBackend stable = bed.backend("stable");
    Gateway gateway =
        bed.gateway(
            TestBed.routesConfig(dir, Routes.sole("digits", stable)), telemetry.openTelemetry(0));
    client = bed.client(gateway);

    assertThat(client.infer("digits", Map.of()).isOk()).isTrue();
    assertThat(client.infer("digits", Map.of()).isOk()).isTrue();

    List<String> received =
        stable.received().stream().map(call -> call.headers().get(TRACEPARENT)).toList();
    assertThat(received).hasSize(2).allMatch(h -> h.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"));
    assertThat(received.get(0).substring(3, 35)).isNotEqualTo(received.get(1).substring(3, 35));
    assertThat(sum("infergate.gateway.calls", calls("digits", "stable", "success"))).isEqualTo(2);
    assertThat(telemetry.spans()).isEmpty();
  }

  @Test
  void withTelemetryOffTheCallersTraceparentReachesTheBackendUntouched() {
    FakeBackend stable = bed.backend("stable");
    start(TestBed.routesConfig(dir, Routes.sole("digits", stable)));

    Reply reply = client.infer("digits", Map.of("traceparent", CALLER_TRACEPARENT));

    assertThat(reply.isOk()).isTrue();
    assertThat(stable.received().peek().headers().getAll(TRACEPARENT))
        .containsExactly(CALLER_TRACEPARENT);
  }

  /** Starts the gateway serving {@code routes}, recording into the in-memory SDK. */
  @Override
  void start(String routes) {
    start(TestBed.routesConfig(dir, routes), telemetry.openTelemetry());
  }

  /** The spans ended so far, once there are {@code count}: a server span ends after its answer. */
  private List<SpanData> awaitSpans(int count) {
    await().atMost(PATIENCE).until(() -> telemetry.spans().size() >= count);
    List<SpanData> finished = telemetry.spans();
    assertThat(finished).hasSize(count);
    return finished;
  }

  /** The {@code count} finished spans of the trace {@code traceparent} names, once all ended. */
  private List<SpanData> awaitSpansOfTrace(String traceparent, int count) {
    String traceId = traceparent.split("-")[1];
    await().atMost(PATIENCE).until(() -> ofTrace(traceId).size() >= count);
    List<SpanData> finished = ofTrace(traceId);
    assertThat(finished).hasSize(count);
    return finished;
  }

  private List<SpanData> ofTrace(String traceId) {
    return telemetry.spans().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
  }

  private static SpanData only(List<SpanData> finished, SpanKind kind) {
    List<SpanData> ofKind = finished.stream().filter(span -> span.getKind() == kind).toList();
    assertThat(ofKind).as("%s spans", kind).hasSize(1);
    return ofKind.get(0);
  }

  private static AttributeKey<Long> attempt() {
    return AttributeKey.longKey("infergate.attempt");
  }

  private static AttributeKey<String> key(String name) {
    return AttributeKey.stringKey(name);
  }

  private static Attributes calls(String model, String variant, String outcome) {
    return Attributes.of(key("model"), model, key("variant"), variant, key("outcome"), outcome);
  }

  private static Attributes variant(String model, String variant) {
    return Attributes.of(key("model"), model, key("variant"), variant);
  }

  private MetricData metric(String name) {
    return telemetry.metrics().stream()
        .filter(data -> data.getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  /** A counter's or up-down counter's value at exactly {@code attributes}; 0 if never recorded. */
  private long sum(String name, Attributes attributes) {
    MetricData data = metric(name);
    return data == null
        ? 0
        : valuesAt(data.getLongSumData().getPoints(), attributes, LongPointData::getValue).sum();
  }

  private long histogramCount(String name, Attributes attributes) {
    return valuesAt(
            recorded(name).getHistogramData().getPoints(), attributes, HistogramPointData::getCount)
        .sum();
  }

  private long gauge(String name, Attributes attributes) {
    return valuesAt(
            recorded(name).getLongGaugeData().getPoints(), attributes, LongPointData::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " has no point at " + attributes));
  }

  private MetricData recorded(String name) {
    MetricData data = metric(name);
    assertThat(data).as(name).isNotNull();
    return data;
  }

  private static <P extends PointData> LongStream valuesAt(
      Collection<P> points, Attributes attributes, ToLongFunction<P> value) {
    return points.stream()
        .filter(point -> point.getAttributes().equals(attributes))
        .mapToLong(value);
  }
}
