package io.infergate.infer.modelserver.grpc;

import static io.infergate.infer.modelserver.testing.CallFailures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.TensorFlowModel;
import io.infergate.infer.modelserver.batching.BatchStats;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RaggedTestModel;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferInputTensor;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * Dynamic batching over real sockets. Every server here waits a minute for batches to fill, so a
 * batch runs only when it is full, when the server drains, or when a call cannot share one: batch
 * contents are then decided by the calls sent, not by timing.
 */
class BatchingIT {
  private static final Duration LONG = BatchingConfig.MAX_QUEUE_DELAY;
  private static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  static final DigitsDataset validation = DigitsRequests.validation();
  static Path repository;
  static TensorFlowModel unbatched;

  /** Batches of 4 rows: for the shape, deadline and cancellation cases. */
  static RunningServer fours;

  @BeforeAll
  static void start() throws Exception {
    repository = TestRepository.shared();
    unbatched = TensorFlowModel.load(repository.resolve("digits").resolve("2"));
    fours = RunningServer.start(repository, new BatchingConfig(true, 4, LONG, List.of(), 1024));
  }

  @AfterAll
  static void stop() {
    fours.close();
    unbatched.close();
  }

  @Test
  void concurrentCallsAreMergedAndEveryCallerGetsExactlyItsOwnRows() throws Exception {
    // 64 calls of 1..3 distinct held-out digits, 127 rows in all, over both APIs and both OIP
    // encodings; a batch of 127 rows runs when the last call has arrived, and never before.
    int calls = 64;
    int[] first = new int[calls];
    int[] rows = new int[calls];
    int total = 0;
    for (int i = 0; i < calls; i++) {
      first[i] = total;
      rows[i] = i % 3 + 1;
      total += rows[i];
    }
    try (RunningServer server =
        RunningServer.start(repository, new BatchingConfig(true, total, LONG, List.of(), 1024))) {
      GRPCInferenceServiceFutureStub oip = oip(server);
      PredictionServiceGrpc.PredictionServiceFutureStub prediction =
          PredictionServiceGrpc.newFutureStub(server.channel())
              .withDeadlineAfter(60, TimeUnit.SECONDS);
      List<ListenableFuture<?>> answers = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        float[] pixels = pixels(first[i], rows[i]);
        answers.add(
            switch (i % 3) {
              case 0 -> prediction.predict(predict(pixels, rows[i]));
              case 1 -> oip.modelInfer(oipRaw(pixels, rows[i]));
              default -> oip.modelInfer(oipTyped(pixels, rows[i]));
            });
      }

      for (int i = 0; i < calls; i++) {
        Object answer = answers.get(i).get(60, TimeUnit.SECONDS);
        HostTensor[] expected = runUnbatched(pixels(first[i], rows[i]), rows[i]);
        assertSameAnswer(answer, expected, rows[i]);
      }
      BatchStats stats = server.server().batchStats("digits", 2).orElseThrow();
      assertThat(stats.batchSizes()).isEqualTo(Map.of(total, 1L));
      assertThat(stats.calls()).isEqualTo(calls);
    }
  }

  @Test
  void callsOfDifferentShapesBeyondTheFirstDimensionAreNeverMixed() throws Exception {
    GRPCInferenceServiceFutureStub oip = oip(fours);
    List<ListenableFuture<ModelInferResponse>> narrow = new ArrayList<>();
    List<ListenableFuture<ModelInferResponse>> wide = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      narrow.add(oip.modelInfer(ragged(i, 2)));
      wide.add(oip.modelInfer(ragged(10 * i, 3)));
    }

    for (int i = 0; i < 4; i++) {
      assertRagged(narrow.get(i).get(60, TimeUnit.SECONDS), i, 2);
      assertRagged(wide.get(i).get(60, TimeUnit.SECONDS), 10 * i, 3);
    }
    assertThat(fours.server().batchStats(RaggedTestModel.NAME, 1).orElseThrow().batchSizes())
        .isEqualTo(Map.of(4, 2L));
  }

  @Test
  void aCallWhoseDeadlinePassesWhileQueuedIsDroppedAndNeverRuns() throws Exception {
    BatchStats before = digitsStats();
    // 5 s, not less: the call must reach the queue before its deadline, and at load 12 a first call
    // on a fresh connection took over a second to (then it was refused, not dropped from the
    // queue).
    ListenableFuture<ModelInferResponse> late =
        GRPCInferenceServiceGrpc.newFutureStub(fours.channel())
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .modelInfer(oipRaw(pixels(0, 1), 1));
    await().atMost(Duration.ofSeconds(5)).until(() -> digitsStats().queued() == 1);

    assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ExecutionException.class,
            e ->
                assertThat(Status.fromThrowable(e.getCause()).getCode())
                    .isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> digitsStats().dropped() == before.dropped() + 1);

    assertAFullBatchRunsWithoutTheDroppedCall(before);
  }

  @Test
  void aCallCancelledWhileQueuedIsDroppedAndNeverRuns() throws Exception {
    BatchStats before = digitsStats();
    ListenableFuture<ModelInferResponse> cancelled = oip(fours).modelInfer(oipRaw(pixels(0, 1), 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> digitsStats().queued() == 1);

    cancelled.cancel(true);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> digitsStats().dropped() == before.dropped() + 1);
    assertThat(digitsStats().queued()).isZero();
    assertAFullBatchRunsWithoutTheDroppedCall(before);
  }

  @Test
  void aCallWhoseInputsDisagreeOnRowsRunsAloneAtOnce() {
    // typed's three inputs are independent, so unbatched servers accept 2, 2 and 1 rows.
    ModelInferResponse response =
        fours
            .oip()
            .modelInfer(
                ModelInferRequest.newBuilder()
                    .setModelName("typed")
                    .addInputs(typedInput("f64", "FP64", 2, 2).setContents(fp64s(1, 2, 3, 4)))
                    .addInputs(typedInput("i32", "INT32", 2, 2).setContents(ints(1, 2, 3, 4)))
                    .addInputs(typedInput("i64", "INT64", 1).setContents(longs(7)))
                    .build());

    assertThat(response.getOutputs(1).getContents().getInt64ContentsList()).containsExactly(-7L);
    assertThat(response.getOutputs(0).getContents().getFp64ContentsList())
        .containsExactly(2.0, 4.0, 6.0, 8.0);
  }

  @Test
  void aFullQueueIsShedWithResourceExhaustedAndPushbackAndShutdownDrainsTheQueue()
      throws Exception {
    RunningServer server =
        RunningServer.start(repository, new BatchingConfig(true, 64, LONG, List.of(), 2));
    try {
      GRPCInferenceServiceFutureStub oip = oip(server);
      ListenableFuture<ModelInferResponse> first = oip.modelInfer(oipRaw(pixels(0, 1), 1));
      ListenableFuture<ModelInferResponse> second = oip.modelInfer(oipRaw(pixels(1, 1), 1));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> server.server().batchStats("digits", 2).orElseThrow().queued() == 2);

      StatusRuntimeException shed =
          assertFails(
              () -> server.oip().modelInfer(oipRaw(pixels(2, 1), 1)),
              Status.Code.RESOURCE_EXHAUSTED);
      assertThat(shed.getStatus().getDescription())
          .isEqualTo(
              "model 'digits' version 2: batching queue is full (2 calls, the queueCapacity)");
      assertThat(Long.parseLong(shed.getTrailers().get(RETRY_PUSHBACK_MS)))
          .isGreaterThanOrEqualTo(LONG.toMillis());
      assertThat(server.server().batchStats("digits", 2).orElseThrow().rejected()).isEqualTo(1);

      // Shutdown does not wait out the queue delay: the queued calls run, and are answered.
      server.server().close();
      assertSameAnswer(first.get(30, TimeUnit.SECONDS), runUnbatched(pixels(0, 1), 1), 1);
      assertSameAnswer(second.get(30, TimeUnit.SECONDS), runUnbatched(pixels(1, 1), 1), 1);
    } finally {
      server.channel().shutdownNow();
    }
  }

  private static void assertAFullBatchRunsWithoutTheDroppedCall(BatchStats before)
      throws Exception {
    List<ListenableFuture<ModelInferResponse>> full = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      full.add(oip(fours).modelInfer(oipRaw(pixels(10 + i, 1), 1)));
    }
    for (int i = 0; i < 4; i++) {
      assertSameAnswer(
          full.get(i).get(60, TimeUnit.SECONDS), runUnbatched(pixels(10 + i, 1), 1), 1);
    }
    BatchStats after = digitsStats();
    assertThat(after.calls() - before.calls()).isEqualTo(4);
    assertThat(after.batchSizes().get(4) - before.batchSizes().getOrDefault(4, 0L)).isEqualTo(1);
    assertThat(after.batches() - before.batches()).isEqualTo(1);
  }

  private static BatchStats digitsStats() {
    return fours.server().batchStats("digits", 2).orElseThrow();
  }

  private static GRPCInferenceServiceFutureStub oip(RunningServer server) {
    return GRPCInferenceServiceGrpc.newFutureStub(server.channel())
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Held-out rows {@code [first, first + rows)}, flattened. */
  private static float[] pixels(int first, int rows) {
    float[] pixels = new float[rows * DigitsDataset.PIXELS];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(
          validation.pixels(first + r), 0, pixels, r * DigitsDataset.PIXELS, DigitsDataset.PIXELS);
    }
    return pixels;
  }

  /** What digits v2 answers for these rows alone, without any server: [classes, probs]. */
  private static HostTensor[] runUnbatched(float[] pixels, int rows) {
    ByteBuffer data = DigitsRequests.littleEndian(pixels).asReadOnlyByteBuffer();
    return unbatched.run(
        new HostTensor[] {
          new HostTensor(ElementType.FP32, new long[] {rows, DigitsDataset.PIXELS}, data)
        },
        new int[] {0, 1});
  }

  private static void assertSameAnswer(Object answer, HostTensor[] expected, int rows) {
    long[] classes = new long[rows];
    float[] probs = new float[rows * DigitsDataset.CLASSES];
    if (answer instanceof PredictResponse predict) {
      TensorProto classesProto = predict.getOutputsOrThrow("classes");
      TensorProto probsProto = predict.getOutputsOrThrow("probs");
      for (int i = 0; i < classes.length; i++) {
        classes[i] = classesProto.getInt64Val(i);
      }
      for (int i = 0; i < probs.length; i++) {
        probs[i] = probsProto.getFloatVal(i);
      }
      assertThat(classesProto.getInt64ValCount()).isEqualTo(rows);
      assertThat(probsProto.getFloatValCount()).isEqualTo(probs.length);
    } else {
      ModelInferResponse infer = (ModelInferResponse) answer;
      assertThat(infer.getOutputs(0).getShapeList()).containsExactly((long) rows);
      assertThat(infer.getOutputs(1).getShapeList())
          .containsExactly((long) rows, (long) DigitsDataset.CLASSES);
      if (infer.getRawOutputContentsCount() > 0) {
        ByteBuffer rawClasses = littleEndian(infer.getRawOutputContents(0));
        ByteBuffer rawProbs = littleEndian(infer.getRawOutputContents(1));
        assertThat(rawClasses.remaining()).isEqualTo(rows * 8);
        assertThat(rawProbs.remaining()).isEqualTo(probs.length * 4);
        for (int i = 0; i < classes.length; i++) {
          classes[i] = rawClasses.getLong(i * 8);
        }
        for (int i = 0; i < probs.length; i++) {
          probs[i] = rawProbs.getFloat(i * 4);
        }
      } else {
        assertThat(infer.getOutputs(0).getContents().getInt64ContentsCount()).isEqualTo(rows);
        for (int i = 0; i < classes.length; i++) {
          classes[i] = infer.getOutputs(0).getContents().getInt64Contents(i);
        }
        for (int i = 0; i < probs.length; i++) {
          probs[i] = infer.getOutputs(1).getContents().getFp32Contents(i);
        }
      }
    }
    ByteBuffer expectedClasses = expected[0].data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer expectedProbs = expected[1].data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < classes.length; i++) {
      assertThat(classes[i]).as("class of row %d", i).isEqualTo(expectedClasses.getLong(i * 8));
    }
    for (int i = 0; i < probs.length; i++) {
      // A row's arithmetic may be blocked differently in a bigger matrix product.
      assertThat(probs[i]).as("prob %d", i).isCloseTo(expectedProbs.getFloat(i * 4), within(1e-6f));
    }
  }

  private static ByteBuffer littleEndian(ByteString bytes) {
    return bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ModelInferRequest oipRaw(float[] pixels, int rows) {
    return ModelInferRequest.newBuilder()
        .setModelName("digits")
        .setModelVersion("2")
        .addInputs(typedInput("pixels", "FP32", rows, DigitsDataset.PIXELS))
        .addRawInputContents(DigitsRequests.littleEndian(pixels))
        .build();
  }

  private static ModelInferRequest oipTyped(float[] pixels, int rows) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float pixel : pixels) {
      contents.addFp32Contents(pixel);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("digits")
        .setModelVersion("2")
        .addInputs(typedInput("pixels", "FP32", rows, DigitsDataset.PIXELS).setContents(contents))
        .build();
  }

  private static PredictRequest predict(float[] pixels, int rows) {
    return PredictRequest.newBuilder()
        .setModelSpec(
            ModelSpec.newBuilder()
                .setName("digits")
                .setVersion(com.google.protobuf.Int64Value.of(2)))
        .putInputs(
            "pixels",
            TensorProto.newBuilder()
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(DigitsRequests.shape(rows, DigitsDataset.PIXELS))
                .setTensorContent(DigitsRequests.littleEndian(pixels))
                .build())
        .build();
  }

  /** One row of {@code ragged} of {@code width} values {@code start, start + 1, ...}. */
  private static ModelInferRequest ragged(int start, int width) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (int i = 0; i < width; i++) {
      contents.addFp32Contents(start + i);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(RaggedTestModel.NAME)
        .addInputs(typedInput("x", "FP32", 1, width).setContents(contents))
        .build();
  }

  private static void assertRagged(ModelInferResponse response, int start, int width) {
    // Outputs in alias order: row_sum, tripled.
    float sum = 0;
    List<Float> tripled = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      sum += start + i;
      tripled.add(3f * (start + i));
    }
    assertThat(response.getOutputs(0).getContents().getFp32ContentsList()).containsExactly(sum);
    assertThat(response.getOutputs(1).getShapeList()).containsExactly(1L, (long) width);
    assertThat(response.getOutputs(1).getContents().getFp32ContentsList())
        .containsExactlyElementsOf(tripled);
  }

  private static InferInputTensor.Builder typedInput(String name, String type, long... shape) {
    InferInputTensor.Builder input = InferInputTensor.newBuilder().setName(name).setDatatype(type);
    for (long dim : shape) {
      input.addShape(dim);
    }
    return input;
  }

  private static InferTensorContents fp64s(double... values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (double value : values) {
      contents.addFp64Contents(value);
    }
    return contents.build();
  }

  private static InferTensorContents ints(int... values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (int value : values) {
      contents.addIntContents(value);
    }
    return contents.build();
  }

  private static InferTensorContents longs(long... values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (long value : values) {
      contents.addInt64Contents(value);
    }
    return contents.build();
  }
}
