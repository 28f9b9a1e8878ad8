package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.infergate.infer.proto.oip.v2.InferParameter;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

class BodyFormatTest {
  private static final ModelInferRequest OIP =
      ModelInferRequest.newBuilder()
          .setModelName("digits")
          .setModelVersion("2")
          .setId("abc")
          .putParameters("priority", InferParameter.newBuilder().setInt64Param(3).build())
          .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("pixels"))
          .addRawInputContents(ByteString.copyFrom(new byte[1024]))
          .build();

  private static final PredictRequest PREDICT =
      PredictRequest.newBuilder()
          .setModelSpec(
              ModelSpec.newBuilder()
                  .setName("digits")
                  .setVersion(Int64Value.of(7))
                  .setSignatureName("serving_default"))
          .putInputs("pixels", TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).build())
          .addOutputFilter("probs")
          .build();

  @Test
  void readsTheModelOfAnOipRequest() throws IOException {
    assertThat(BodyFormat.OIP.read(OIP.toByteArray())).isEqualTo(new ModelRef("digits", "2"));
  }

  @Test
  void readsTheModelSpecOfATfServingRequest() throws IOException {
    assertThat(BodyFormat.TF_SERVING.read(PREDICT.toByteArray()))
        .isEqualTo(new ModelRef("digits", "7"));
    byte[] labelled =
        GetModelStatusRequest.newBuilder()
            .setModelSpec(ModelSpec.newBuilder().setName("digits").setVersionLabel("canary"))
            .build()
            .toByteArray();
    assertThat(BodyFormat.TF_SERVING.read(labelled)).isEqualTo(new ModelRef("digits", "canary"));
  }

  @Test
  void aModelNameAtTheLimitIsReadAndOneByteLongerIsRefusedNamingTheFieldAndTheLimit()
      throws IOException {
    String atLimit = "m".repeat(BodyFormat.MAX_MODEL_NAME_BYTES);
    assertThat(BodyFormat.OIP.read(OIP.toBuilder().setModelName(atLimit).build().toByteArray()))
        .isEqualTo(new ModelRef(atLimit, "2"));
    assertThat(BodyFormat.TF_SERVING.read(predictNamed(atLimit)).name()).isEqualTo(atLimit);

    String over = atLimit + "x";
    assertThatThrownBy(
            () -> BodyFormat.OIP.read(OIP.toBuilder().setModelName(over).build().toByteArray()))
        .isInstanceOf(ModelNameTooLongException.class)
        .hasMessage("model_name is 1025 bytes long (expected: at most 1024 bytes)");
    assertThatThrownBy(() -> BodyFormat.TF_SERVING.read(predictNamed(over)))
        .isInstanceOf(ModelNameTooLongException.class)
        .hasMessage("model_spec.name is 1025 bytes long (expected: at most 1024 bytes)");
  }

  @Test
  void aModelNameThatIsNotUtf8IsMalformed() {
    byte[] body = {0x0a, 0x02, (byte) 0xc3, 0x28};
    assertThatThrownBy(() -> BodyFormat.OIP.read(body))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ModelNameTooLongException.class)
        .hasMessageContaining("invalid UTF-8");
  }

  private static byte[] predictNamed(String name) {
    return PREDICT.toBuilder()
        .setModelSpec(PREDICT.getModelSpec().toBuilder().setName(name))
        .build()
        .toByteArray();
  }

  @Test
  void aRequestWithoutAModelReadsAsEmpty() throws IOException {
    assertThat(BodyFormat.OIP.read(new byte[0])).isEqualTo(new ModelRef("", ""));
    assertThat(BodyFormat.TF_SERVING.read(new byte[0])).isEqualTo(new ModelRef("", ""));
  }

  @Test
  void malformedBytesAreRefused() {
    byte[] truncated = java.util.Arrays.copyOf(OIP.toByteArray(), 20);
    assertThatThrownBy(() -> BodyFormat.OIP.read(new byte[] {0x0a, 0x7f, 'x'}))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> BodyFormat.TF_SERVING.read(new byte[] {(byte) 0xff}))
        .isInstanceOf(IOException.class);
    assertThat(truncated).hasSize(20);
  }

  @Test
  void rewritingAnOipRequestChangesOnlyTheModel() throws IOException {
    byte[] rewritten = BodyFormat.OIP.rewrite(OIP.toByteArray(), "digits-v1", "1");

    assertThat(ModelInferRequest.parseFrom(rewritten))
        .isEqualTo(OIP.toBuilder().setModelName("digits-v1").setModelVersion("1").build());
  }

  @Test
  void rewritingOnlyTheVersionKeepsTheName() throws IOException {
    byte[] rewritten = BodyFormat.OIP.rewrite(OIP.toByteArray(), null, "1");

    assertThat(ModelInferRequest.parseFrom(rewritten))
        .isEqualTo(OIP.toBuilder().setModelVersion("1").build());
  }

  @Test
  void rewritingATfServingRequestChangesOnlyTheModelSpec() throws IOException {
    byte[] rewritten = BodyFormat.TF_SERVING.rewrite(PREDICT.toByteArray(), "other", "3");

    PredictRequest parsed = PredictRequest.parseFrom(rewritten);
    assertThat(parsed.getModelSpec())
        .isEqualTo(
            ModelSpec.newBuilder()
                .setName("other")
                .setVersion(Int64Value.of(3))
                .setSignatureName("serving_default")
                .build());
    assertThat(parsed.toBuilder().clearModelSpec().build())
        .isEqualTo(PREDICT.toBuilder().clearModelSpec().build());
  }

  @Test
  void responsesNameTheVersionThatServed() {
    byte[] oip =
        ModelInferResponse.newBuilder()
            .setModelName("digits")
            .setModelVersion("2")
            .addRawOutputContents(ByteString.copyFrom(new byte[64]))
            .build()
            .toByteArray();
    byte[] predict =
        PredictResponse.newBuilder()
            .putOutputs("probs", TensorProto.newBuilder().addFloatVal(1).build())
            .setModelSpec(ModelSpec.newBuilder().setName("digits").setVersion(Int64Value.of(1)))
            .build()
            .toByteArray();

    assertThat(ResponseVersion.OIP_MODEL_VERSION.read(oip)).isEqualTo("2");
    assertThat(ResponseVersion.TF_SPEC_FIELD_2.read(predict)).isEqualTo("1");
    assertThat(ResponseVersion.TF_SPEC_FIELD_2.read(new byte[] {(byte) 0xff})).isEmpty();
    assertThat(ResponseVersion.NONE.read(oip)).isEmpty();
  }
}
