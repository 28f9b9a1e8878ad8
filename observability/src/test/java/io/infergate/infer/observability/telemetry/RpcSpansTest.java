package io.infergate.infer.observability.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RpcSpansTest {
  @Test
  void aMethodIsNamedAsTheRpcConventionsSay() {
    assertThat(RpcSpans.methodAttributes("inference.GRPCInferenceService/ModelInfer"))
        .isEqualTo(
            Attributes.of(
                RpcSpans.RPC_SYSTEM,
                "grpc",
                RpcSpans.RPC_SERVICE,
                "inference.GRPCInferenceService",
                RpcSpans.RPC_METHOD,
                "ModelInfer"));
  }

  @Test
  void onlyTheServersOwnFailuresMarkAServerSpanFailed() {
    EnumSet<Status.Code> serverErrors =
        EnumSet.of(
            Status.Code.UNKNOWN,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNIMPLEMENTED,
            Status.Code.INTERNAL,
            Status.Code.UNAVAILABLE,
            Status.Code.DATA_LOSS);
    Arrays.stream(Status.Code.values())
        .forEach(
            code ->
                assertThat(RpcSpans.isServerError(code))
                    .as(code.name())
                    .isEqualTo(serverErrors.contains(code)));
  }

  @Test
  void withoutATracerNothingIsMadeAndAnUnsampledNewTraceGetsNoSdkSpan() {
    RpcSpans off = new RpcSpans(OpenTelemetry.noop(), "test");
    assertThat(off.on()).isFalse();
    assertThat(off.startServer("s/m", Attributes.empty(), Context.root()))
        .isSameAs(Span.getInvalid());

    try (InMemoryTelemetry telemetry = new InMemoryTelemetry()) {
      RpcSpans none = new RpcSpans(telemetry.openTelemetry(0), "test");
      Span span = none.startServer("s/m", Attributes.empty(), Context.root());
      assertThat(span).isInstanceOf(NotSampledSpan.class);
      RpcSpans.end(span, Status.Code.INTERNAL, true);

      RpcSpans all = new RpcSpans(telemetry.openTelemetry(1), "test");
      Span recorded = all.startServer("s/m", RpcSpans.methodAttributes("s/m"), Context.root());
      RpcSpans.end(recorded, Status.Code.INTERNAL, true);
      assertThat(telemetry.spans())
          .singleElement()
          .satisfies(
              data -> {
                assertThat(data.getName()).isEqualTo("s/m");
                assertThat(data.getAttributes().get(RpcSpans.RPC_GRPC_STATUS_CODE)).isEqualTo(13);
                assertThat(data.getStatus().getStatusCode())
                    .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
              });
    }
  }

  @Test
  void aChildSpanHasTheKindAskedForAndItsParentsTrace() {
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry()) {
      RpcSpans spans = new RpcSpans(telemetry.openTelemetry(1), "test");
      Span server = spans.startServer("s/m", Attributes.empty(), Context.root());
      spans.child("s/m", SpanKind.CLIENT, server).startSpan().end();
      spans.child("queue", SpanKind.INTERNAL, server).startSpan().end();
      RpcSpans.end(server, Status.Code.OK, true);

      assertThat(telemetry.spans())
          .hasSize(3)
          .allSatisfy(
              span -> assertThat(span.getTraceId()).isEqualTo(server.getSpanContext().getTraceId()))
          .filteredOn(span -> span.getParentSpanId().equals(server.getSpanContext().getSpanId()))
          .extracting(span -> span.getName() + " " + span.getKind())
          .containsExactlyInAnyOrder("s/m CLIENT", "queue INTERNAL");
    }
  }
}
