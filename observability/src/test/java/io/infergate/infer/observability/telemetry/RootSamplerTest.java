package io.infergate.infer.observability.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.HashSet;
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
    assertThat(headers.get("traceparent"))
        .isEqualTo(
            "00-"
                + span.getSpanContext().getTraceId()
                + "-"
                + span.getSpanContext().getSpanId()
                + "-00");
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
