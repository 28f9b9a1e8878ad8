package io.infergate.infer.modelserver.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.modelserver.testing.InMemoryTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

class ModelServerTelemetryTest {
  private static final RpcMethod METHOD =
      new RpcMethod("inference.GRPCInferenceService/ModelInfer", Api.OIP);

  @Test
  void withTheNoopApiNoSpanIsStartedAndTheSharedInstanceIsUsed() {
    ModelServerTelemetry noop = ModelServerTelemetry.of(OpenTelemetry.noop());

    assertThat(noop).isSameAs(ModelServerTelemetry.noop());
    assertThat(noop.tracing()).isFalse();
    assertThat(noop.startServerSpan(METHOD, null)).isSameAs(Span.getInvalid());
    assertThat(noop.startChild("queue", Span.getInvalid())).isSameAs(Span.getInvalid());
  }

  @Test
  void withAnSdkAServerSpanIsRecordedAndItsChildrenToo() {
    try (InMemoryTelemetry sdk = new InMemoryTelemetry()) {
      ModelServerTelemetry telemetry = ModelServerTelemetry.of(sdk.openTelemetry());
      Span server = telemetry.startServerSpan(METHOD, null);
      Span queue = telemetry.startChild("queue", server);

      assertThat(telemetry.tracing()).isTrue();
      assertThat(server.isRecording()).isTrue();
      assertThat(queue.getSpanContext().getTraceId())
          .isEqualTo(server.getSpanContext().getTraceId());
      queue.end();
      server.end();
      assertThat(sdk.spans())
          .extracting(span -> span.getName())
          .containsExactly("queue", "inference.GRPCInferenceService/ModelInfer");
    }
  }

  @Test
  void outcomesFollowTheGatewaysTaxonomyOfStatusCodes() {
    assertThat(Outcome.ofStatusCode(0)).isEqualTo(Outcome.SUCCESS);
    assertThat(Outcome.ofStatusCode(1)).isEqualTo(Outcome.CANCELLED);
    assertThat(Outcome.ofStatusCode(3)).isEqualTo(Outcome.CALLER_ERROR);
    assertThat(Outcome.ofStatusCode(4)).isEqualTo(Outcome.BACKEND_FAILURE);
    assertThat(Outcome.ofStatusCode(5)).isEqualTo(Outcome.CALLER_ERROR);
    assertThat(Outcome.ofStatusCode(8)).isEqualTo(Outcome.OVERLOAD);
    assertThat(Outcome.ofStatusCode(13)).isEqualTo(Outcome.BACKEND_FAILURE);
    assertThat(Outcome.ofStatusCode(14)).isEqualTo(Outcome.BACKEND_FAILURE);
    assertThat(Outcome.ofStatusCode(99)).isEqualTo(Outcome.BACKEND_FAILURE);
    assertThat(Outcome.CALLER_ERROR.value()).isEqualTo("caller_error");
  }

  @Test
  void aMethodNameWithoutAServiceIsRefusedNamingIt() {
    assertThatThrownBy(() -> new RpcMethod("ModelInfer", Api.OIP))
        .hasMessage("fullMethodName: ModelInfer (expected: service/method)");
  }
}
