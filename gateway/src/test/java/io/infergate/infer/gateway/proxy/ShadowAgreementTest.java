package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.tfserving.PredictResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** Primary and shadow answers decoded off the call's path and their agreement recorded. */
class ShadowAgreementTest {
  private static final Attributes PAIR =
      Attributes.of(
          GatewayTelemetry.MODEL,
          "digits",
          GatewayTelemetry.VARIANT,
          "stable",
          GatewayTelemetry.SHADOW_VARIANT,
          "candidate");

  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final VariantTelemetry stable =
      new VariantTelemetry(
          new RouteTelemetry(
              new GatewayTelemetry(
                  OpenTelemetrySdk.builder()
                      .setMeterProvider(
                          SdkMeterProvider.builder().registerMetricReader(metrics).build())
                      .build()),
              "digits",
              "candidate",
              null),
          "stable");
  private final AnswerDecoder agreement = new AnswerDecoder(16);

  @AfterEach
  void stop() {
    agreement.close();
  }

  @Test
  void oipAnswersRawOrTypedAreComparedRowByRow() {
    // Two rows of three classes: row 0 agrees on class 2, row 1 does not (1 against 0).
    float[] primary = {0.1f, 0.2f, 0.7f, 0.2f, 0.5f, 0.3f};
    float[] shadow = {0.2f, 0.2f, 0.6f, 0.5f, 0.4f, 0.1f};

    pair(AnswerTensor.OIP_INFER, oipRaw(primary), oipTyped(shadow), true);

    await().atMost(Duration.ofSeconds(10)).until(() -> sum("compared") == 2);
    assertThat(sum("top1_matches")).isEqualTo(1);
    // Row 0: (0.1 + 0 + 0.1) / 3; row 1: (0.3 + 0.1 + 0.2) / 3.
    assertThat(sum("abs_diff")).isCloseTo(0.8 / 3, offset(1e-6));
  }

  @Test
  void tfPredictAnswersAreComparedOnTheirFirstFloatOutputByName() {
    pair(AnswerTensor.TF_PREDICT, predict(0.9f, 0.1f), predict(0.6f, 0.4f), false);

    await().atMost(Duration.ofSeconds(10)).until(() -> sum("compared") == 1);
    assertThat(sum("top1_matches")).isEqualTo(1);
    assertThat(sum("abs_diff")).isCloseTo(0.3, offset(1e-6));
  }

  @Test
  void answersOfOtherShapesOrTypesAreCountedAsNotComparable() {
    pair(AnswerTensor.OIP_INFER, oipRaw(new float[] {0.5f, 0.5f}), oipRaw(new float[3]), true);
    pair(AnswerTensor.OIP_INFER, new byte[] {(byte) 0xff}, oipRaw(new float[2]), false);
    ModelInferResponse classes =
        ModelInferResponse.newBuilder()
            .addOutputs(
                ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName("classes")
                    .setDatatype("INT64")
                    .addShape(1))
            .build();
    pair(AnswerTensor.OIP_INFER, classes.toByteArray(), classes.toByteArray(), true);

    await().atMost(Duration.ofSeconds(10)).until(() -> sum("not_compared", "not_decodable") == 3);
    assertThat(sum("compared")).isZero();
  }

  @Test
  void pairsBeyondTheQueuesCapacityAreDroppedAndCounted() {
    AnswerDecoder closed = new AnswerDecoder(1);
    closed.close(); // nothing is taken off: every pair offered is dropped

    ShadowPair pair = new ShadowPair(AnswerTensor.OIP_INFER, closed);
    pair.primaryAnswered(oipRaw(new float[] {1}), stable);
    pair.shadowAnswered(oipRaw(new float[] {1}));

    assertThat(sum("not_compared", "queue_full")).isEqualTo(1);
  }

  /** Hands both answers over, the shadow's first or second. */
  private void pair(AnswerTensor format, byte[] primary, byte[] shadow, boolean shadowFirst) {
    ShadowPair pair = new ShadowPair(format, agreement);
    if (shadowFirst) {
      pair.shadowAnswered(shadow);
      pair.primaryAnswered(primary, stable);
    } else {
      pair.primaryAnswered(primary, stable);
      pair.shadowAnswered(shadow);
    }
  }

  private static byte[] oipRaw(float[] scores) {
    ByteBuffer bytes = ByteBuffer.allocate(scores.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float score : scores) {
      bytes.putFloat(score);
    }
    bytes.flip();
    return ModelInferResponse.newBuilder()
        .addOutputs(fp32Output("probs", scores.length))
        .addRawOutputContents(ByteString.copyFrom(bytes))
        .build()
        .toByteArray();
  }

  private static byte[] oipTyped(float[] scores) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float score : scores) {
      contents.addFp32Contents(score);
    }
    return ModelInferResponse.newBuilder()
        .addOutputs(
            ModelInferResponse.InferOutputTensor.newBuilder()
                .setName("classes")
                .setDatatype("INT64")
                .addShape(scores.length / 3))
        .addOutputs(fp32Output("probs", scores.length).setContents(contents))
        .build()
        .toByteArray();
  }

  private static ModelInferResponse.InferOutputTensor.Builder fp32Output(String name, int values) {
    int classes = values % 3 == 0 ? 3 : values;
    return ModelInferResponse.InferOutputTensor.newBuilder()
        .setName(name)
        .setDatatype("FP32")
        .addShape(values / classes)
        .addShape(classes);
  }

  private static byte[] predict(float... scores) {
    TensorProto.Builder probs =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_FLOAT)
            .setTensorShape(
                TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(1))
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(scores.length)));
    for (float score : scores) {
      probs.addFloatVal(score);
    }
    TensorProto labels =
        TensorProto.newBuilder().setDtype(DataType.DT_INT64).addInt64Val(0).build();
    return PredictResponse.newBuilder()
        .putOutputs("probs", probs.build())
        .putOutputs("classes", labels)
        .build()
        .toByteArray();
  }

  private double sum(String name) {
    return sum(name, null);
  }

  /** The sum of {@code infergate.gateway.shadow.<name>} for the pair (and {@code reason}). */
  private double sum(String name, String reason) {
    Attributes wanted =
        reason == null
            ? PAIR
            : PAIR.toBuilder().put(AttributeKey.stringKey("reason"), reason).build();
    double total = 0;
    for (MetricData data : metrics.collectAllMetrics()) {
      if (!data.getName().equals("infergate.gateway.shadow." + name)) {
        continue;
      }
      for (PointData point : data.getData().getPoints()) {
        if (point.getAttributes().equals(wanted)) {
          total +=
              point instanceof LongPointData longs
                  ? longs.getValue()
                  : ((DoublePointData) point).getValue();
        }
      }
    }
    return total;
  }
}
