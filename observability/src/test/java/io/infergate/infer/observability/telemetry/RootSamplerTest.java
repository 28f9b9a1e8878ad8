package io.infergate.infer.observability.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RootSamplerTest {
  @Test
  void anUnsampledNewTraceHasFreshValidIdsAndTravelsAsNotSampled() {
    RootSampler none = RootSampler.ratio(0);
    Set<String> traceIds = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      assertThat(none.sample()).isFalse();
      Span span = none.notSampled();
      SpanContext context = span.getSpanContext();
      assertThat(context.isValid()).isTrue();
      assertThat(context.isSampled()).isFalse();
      assertThat(context.isRemote()).isFalse();
      assertThat(span.isRecording()).isFalse();
      traceIds.add(context.getTraceId());
    }
    assertThat(traceIds).hasSize(1_000);

    Map<String, String> headers = new HashMap<>();
    Span span = none.notSampled();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, Map::put);
    String traceparent =
        "00-"
            + span.getSpanContext().getTraceId()
            + "-"
            + span.getSpanContext().getSpanId()
            + "-00";
    assertThat(headers).containsExactly(Map.entry("traceparent", traceparent));
    assertThat(RootSampler.sampled(span)).isFalse();
  }

  @Test
  void theNotSampledContextGoesUpstreamAsThePropagatorWouldWriteIt() {
    Metadata.Key<String> traceparent =
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    TextMapPropagator defaults =
        TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    for (TextMapPropagator propagator :
        List.of(W3CTraceContextPropagator.getInstance(), defaults)) {
      Span span = RootSampler.ratio(0).notSampled();
      Metadata fast = new Metadata();
      fast.put(traceparent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"); // replaced
      new TraceHeaders(propagator).injectNotSampled(span, fast);
      Metadata slow = new Metadata();
      new TraceHeaders(propagator).inject(Context.root().with(span), slow);
      assertThat(fast.getAll(traceparent)).containsExactly(slow.get(traceparent));
      assertThat(fast.keys()).isEqualTo(slow.keys());
      // The same header for every attempt and shadow copy of the call.
      Metadata again = new Metadata();
      new TraceHeaders(propagator).injectNotSampled(span, again);
      assertThat(again.get(traceparent)).isEqualTo(slow.get(traceparent));
    }

    // Any other propagator writes the span its own way: baggage alone writes nothing for a root.
    Metadata baggageOnly = new Metadata();
    new TraceHeaders(W3CBaggagePropagator.getInstance())
        .injectNotSampled(RootSampler.ratio(0).notSampled(), baggageOnly);
    assertThat(baggageOnly.keys()).isEmpty();
  }

  @Test
  void newTracesAreSampledAtTheRatio() {
    assertThat(IntStream.range(0, 1_000).allMatch(i -> RootSampler.ratio(1).sample())).isTrue();
    long sampled = IntStream.range(0, 40_000).filter(i -> RootSampler.ratio(0.25).sample()).count();
    // 9 standard deviations either side: never fails by chance, fails at any other ratio.
    assertThat(sampled).isBetween(9_200L, 10_800L);
    assertThatThrownBy(() -> RootSampler.ratio(1.5)).hasMessageContaining("ratio: 1.5");
  }
}
