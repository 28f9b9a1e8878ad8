package io.infergate.infer.modelserver.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.observability.testing.InMemoryTelemetry;
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
  void theRunTimeEstimateFollowsShortRunsAtOnceAndLongOnesByAnEighth() {
    VersionTelemetry version = ModelServerTelemetry.noop().version("digits", 2);
    assertThat(version.recentRunNanos()).isZero();

    version.recordRun(80_000);
    assertThat(version.recentRunNanos()).isEqualTo(80_000);
    version.recordRun(880_000); // preempted, say
    assertThat(version.recentRunNanos()).isEqualTo(180_000);
    version.recordRun(50_000);
    assertThat(version.recentRunNanos()).isEqualTo(50_000);
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
  void withTheNoopApiACallsRecordsAllocateNothing() {
    ModelServerTelemetry noop = ModelServerTelemetry.noop();
    VersionTelemetry version = noop.version("digits", 2);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    recordCalls(noop, version, 10_000); // warm up, so that the measured loop is compiled code

    long before = threads.getThreadAllocatedBytes(thread);
    recordCalls(noop, version, 100_000);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // Some bytes for the measurement itself; a per-call allocation would be >= 1.6 MB here.
    assertThat(allocated).isLessThan(16_384);
  }

  /** What one call records on the unbatched path, {@code calls} times. */
  private static void recordCalls(
      ModelServerTelemetry telemetry, VersionTelemetry version, int calls) {
    for (int i = 0; i < calls; i++) {
      Span span = telemetry.startServerSpan(METHOD, null);
      version.describe(span);
      Span queue = telemetry.startChild("queue", span);
      version.recordQueueWait(1_000);
      queue.end();
      Span run = telemetry.startChild("run", span);
      version.recordRun(50_000);
      run.end();
      version.recordCall(Api.OIP, Outcome.SUCCESS, 100_000);
      version.recordBatch(4);
      span.end();
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
