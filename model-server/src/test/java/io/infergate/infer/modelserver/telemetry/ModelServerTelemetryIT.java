package io.infergate.infer.modelserver.telemetry;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model server's spans and metrics over real sockets and real SavedModels, recorded by an
 * in-memory SDK: a call's SERVER span continues its caller's {@code traceparent}, with "queue" and
 * "run" children; a batch's span links to every recorded caller it served; the metrics count calls,
 * time them, and size batches per model version.
 */
class ModelServerTelemetryIT {
  private static final String MODEL_INFER = "inference.GRPCInferenceService/ModelInfer";
  private static final String PREDICT = "tensorflow.serving.PredictionService/Predict";
  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  /** Batches wait a minute to fill, so a batch runs exactly when its fourth call arrives. */
  private static final String FOURS =
      "{enabled: true, maxBatchSize: 4, maxQueueDelay: 1m, queueCapacity: 1024}";

  private static final String NO_BATCHING = "{enabled: false}";

  static final DigitsDataset validation = DigitsRequests.validation();
  static Path repository;

  @BeforeAll
  static void models() throws Exception {
    repository = TestRepository.shared();
  }

  @Test
  void anUnbatchedCallContinuesItsCallersTraceWithQueueAndRunChildrenAndIsCounted() {
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry();
        RunningServer server = start(NO_BATCHING, telemetry)) {
      String traceId = traceId(1);
      String callerSpanId = "00f067aa0ba902b7";

      GRPCInferenceServiceGrpc.newBlockingStub(server.channel())
          .withInterceptors(traced(traceId, callerSpanId, true))
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .modelInfer(DigitsRequests.oipRaw(validation.head(2), "1").build());

      SpanData call = telemetry.span(traceId, MODEL_INFER);
      assertThat(call.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(call.getParentSpanId()).isEqualTo(callerSpanId);
      assertThat(call.getAttributes().asMap())
          .containsEntry(stringKey("rpc.system"), "grpc")
          .containsEntry(stringKey("rpc.service"), "inference.GRPCInferenceService")
          .containsEntry(stringKey("rpc.method"), "ModelInfer")
          .containsEntry(longKey("rpc.grpc.status_code"), 0L)
          .containsEntry(stringKey("infergate.model"), "digits")
          .containsEntry(stringKey("infergate.model.version"), "1");
      assertThat(call.getAttributes().get(doubleKey("infergate.queue.wait"))).isNotNull();
      List<SpanData> children = telemetry.children(call);
      assertThat(children).extracting(SpanData::getName).containsExactlyInAnyOrder("queue", "run");
      assertThat(children).extracting(SpanData::getKind).containsOnly(SpanKind.INTERNAL);

      Attributes version = version("1");
      assertThat(telemetry.value("infergate.model.calls", call(version, "oip", "success")))
          .isEqualTo(1);
      assertThat(
              telemetry
                  .histogram("infergate.model.call.duration", call(version, "oip", "success"))
                  .getCount())
          .isEqualTo(1);
      // Warm-up runs at load are not counted: only this call's run and queue wait.
      assertThat(telemetry.histogram("infergate.model.run.duration", version).getCount())
          .isEqualTo(1);
      assertThat(telemetry.histogram("infergate.model.queue.wait", version).getCount())
          .isEqualTo(1);
      assertThat(
              telemetry.value(
                  "infergate.model.versions.loaded", Attributes.of(stringKey("model"), "digits")))
          .isEqualTo(server.server().repository().model("digits").versions().size());
      assertThat(
              telemetry.point(
                  "infergate.model.queue.depth", Attributes.of(stringKey("queue"), "worker")))
          .isPresent();
    }
  }

  @Test
  void aCallForAnUnknownModelIsACallerErrorOfNoVersionAndItsSpanCarriesTheStatus() {
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry();
        RunningServer server = start(NO_BATCHING, telemetry)) {
      String traceId = traceId(2);

      assertThatThrownBy(
              () ->
                  PredictionServiceGrpc.newBlockingStub(server.channel())
                      .withInterceptors(traced(traceId, "00f067aa0ba902b8", true))
                      .withDeadlineAfter(30, TimeUnit.SECONDS)
                      .predict(
                          DigitsRequests.predict(validation.head(1), 0)
                              .setModelSpec(
                                  io.infergate.infer.proto.tfserving.ModelSpec.newBuilder()
                                      .setName("no-such-model"))
                              .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

      SpanData call = telemetry.span(traceId, PREDICT);
      assertThat(call.getAttributes().get(longKey("rpc.grpc.status_code"))).isEqualTo(5L);
      assertThat(telemetry.children(call)).isEmpty();
      assertThat(
              telemetry.value(
                  "infergate.model.calls", call(unresolved(), "tfserving", "caller_error")))
          .isEqualTo(1);
    }
  }

  @Test
  void aBatchSpanLinksToEveryCallerItServedAndEachCallerRecordsItsQueueWait() throws Exception {
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry();
        RunningServer server = start(FOURS, telemetry)) {
      Attributes version = version("2");
      List<ListenableFuture<?>> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(send(server, i));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> telemetry.value("infergate.model.queue.depth", version) == 3);

      answers.add(send(server, 3)); // fills the batch of four; its caller did not sample it
      for (ListenableFuture<?> answer : answers) {
        answer.get(60, TimeUnit.SECONDS);
      }

      List<SpanData> callers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SpanData caller = telemetry.span(traceId(10 + i), i % 2 == 0 ? MODEL_INFER : PREDICT);
        assertThat(caller.getAttributes().get(doubleKey("infergate.queue.wait")))
            .as("queue wait of call %s", i)
            .isPositive();
        assertThat(caller.getAttributes().get(stringKey("infergate.model.version"))).isEqualTo("2");
        assertThat(telemetry.children(caller)).extracting(SpanData::getName).contains("queue");
        callers.add(caller);
      }
      List<SpanData> batches =
          telemetry.spans().stream().filter(span -> span.getName().equals("batch")).toList();
      assertThat(batches).hasSize(1);
      SpanData batch = batches.get(0);
      assertThat(batch.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(batch.getAttributes().get(longKey("infergate.batch.size"))).isEqualTo(4L);
      // Linked: the recorded callers, not the one whose span is nowhere to be found.
      assertThat(batch.getLinks())
          .extracting(LinkData::getSpanContext)
          .containsExactlyInAnyOrderElementsOf(
              callers.stream().map(SpanData::getSpanContext).toList());
      assertThat(telemetry.spans()).noneMatch(span -> span.getTraceId().equals(traceId(13)));
      assertThat(callers)
          .extracting(SpanData::getSpanContext)
          .extracting(SpanContext::getSpanId)
          .contains(batch.getParentSpanId());

      HistogramPointData sizes = telemetry.histogram("infergate.model.batch.size", version);
      assertThat(sizes.getCount()).isEqualTo(1);
      assertThat(sizes.getSum()).isEqualTo(4.0);
      assertThat(telemetry.histogram("infergate.model.queue.wait", version).getCount())
          .isEqualTo(4);
      assertThat(telemetry.histogram("infergate.model.run.duration", version).getCount())
          .isEqualTo(1);
      assertThat(telemetry.value("infergate.model.calls", call(version, "oip", "success")))
          .isEqualTo(2);
      assertThat(telemetry.value("infergate.model.calls", call(version, "tfserving", "success")))
          .isEqualTo(2);
      assertThat(telemetry.value("infergate.model.queue.depth", version)).isZero();
    }
  }

  @Test
  void aCallWhoseDeadlinePassesInItsBatchQueueEndsItsQueueSpanAndCountsAsABackendFailure() {
    try (InMemoryTelemetry telemetry = new InMemoryTelemetry();
        RunningServer server = start(FOURS, telemetry)) {
      String traceId = traceId(3);

      assertThatThrownBy(
              () ->
                  GRPCInferenceServiceGrpc.newBlockingStub(server.channel())
                      .withInterceptors(traced(traceId, "00f067aa0ba902b9", true))
                      .withDeadlineAfter(1, TimeUnit.SECONDS)
                      .modelInfer(DigitsRequests.oipRaw(validation.head(1), "2").build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

      // The server's copy of the deadline passes after the client's, by the request's transit: the
      // client's cancellation usually lands within the server's 10 ms grace (a deadline failure),
      // but on a loaded machine it can arrive earlier and count as the caller's cancellation.
      Attributes failed = call(version("2"), "oip", "backend_failure");
      Attributes cancelled = call(version("2"), "oip", "cancelled");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  telemetry.value("infergate.model.calls", failed)
                          + telemetry.value("infergate.model.calls", cancelled)
                      == 1);
      SpanData call = telemetry.span(traceId, MODEL_INFER);
      boolean deadline = telemetry.value("infergate.model.calls", failed) == 1;
      assertThat(call.getAttributes().get(longKey("rpc.grpc.status_code")))
          .isEqualTo(deadline ? 4L : 1L);
      if (deadline) {
        assertThat(call.getStatus().getStatusCode())
            .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
      }
      assertThat(telemetry.children(call)).extracting(SpanData::getName).containsExactly("queue");
      assertThat(telemetry.spans()).extracting(SpanData::getName).doesNotContain("batch", "run");
    }
  }

  /** Call {@code i} of a batch: OIP for even {@code i}, Predict for odd, each in its own trace. */
  private static ListenableFuture<?> send(RunningServer server, int i) {
    var interceptor = traced(traceId(10 + i), String.format("%016x", 0x100 + i), i != 3);
    DigitsDataset row = validation.head(1);
    if (i % 2 == 0) {
      return GRPCInferenceServiceGrpc.newFutureStub(server.channel())
          .withInterceptors(interceptor)
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .modelInfer(DigitsRequests.oipRaw(row, "2").build());
    }
    return PredictionServiceGrpc.newFutureStub(server.channel())
        .withInterceptors(interceptor)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .predict(DigitsRequests.predict(row, 2).build());
  }

  private static RunningServer start(String batching, InMemoryTelemetry telemetry) {
    // No warm-up: its calls would be counted too, and these tests count calls exactly.
    return RunningServer.start(
        TestConfigs.of(
            repository, "workerThreads: 4\nwarmup: {enabled: false}\nbatching: " + batching),
        telemetry.openTelemetry());
  }

  private static io.grpc.ClientInterceptor traced(String traceId, String spanId, boolean sampled) {
    Metadata headers = new Metadata();
    headers.put(TRACEPARENT, "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00"));
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static String traceId(int n) {
    return String.format("4bf92f3577b34da6a3ce929d%08x", n);
  }

  private static Attributes version(String version) {
    return Attributes.of(stringKey("model"), "digits", stringKey("version"), version);
  }

  private static Attributes unresolved() {
    return Attributes.of(stringKey("model"), "*", stringKey("version"), "*");
  }

  private static Attributes call(Attributes version, String api, String outcome) {
    return version.toBuilder().put("api", api).put("outcome", outcome).build();
  }
}
