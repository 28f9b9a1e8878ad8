package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.infergate.infer.proto.oip.v2.InferParameter;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  /** Small enough that tests reach it with a few fields. */
  private static final int MAX_FIELDS = 32;

  @Test
  void readsTheModelOfAnOipRequest() throws IOException {
    assertThat(read(BodyFormat.OIP, OIP.toByteArray())).isEqualTo(new ModelRef("digits", "2"));
  }

  @Test
  void readsTheModelSpecOfATfServingRequest() throws IOException {
    assertThat(read(BodyFormat.TF_SERVING, PREDICT.toByteArray()))
        .isEqualTo(new ModelRef("digits", "7"));
    byte[] labelled =
        GetModelStatusRequest.newBuilder()
            .setModelSpec(ModelSpec.newBuilder().setName("digits").setVersionLabel("canary"))
            .build()
            .toByteArray();
    assertThat(read(BodyFormat.TF_SERVING, labelled)).isEqualTo(new ModelRef("digits", "canary"));
  }

  @Test
  void aModelNameAtTheLimitIsReadAndOneByteLongerIsRefusedNamingTheFieldAndTheLimit()
      throws IOException {
    String atLimit = "m".repeat(BodyFormat.MAX_MODEL_NAME_BYTES);
    assertThat(read(BodyFormat.OIP, OIP.toBuilder().setModelName(atLimit).build().toByteArray()))
        .isEqualTo(new ModelRef(atLimit, "2"));
    assertThat(read(BodyFormat.TF_SERVING, predictNamed(atLimit)).name()).isEqualTo(atLimit);

    String over = atLimit + "x";
    assertThatThrownBy(
            () -> read(BodyFormat.OIP, OIP.toBuilder().setModelName(over).build().toByteArray()))
        .isInstanceOf(RefusedBodyException.class)
        .hasMessage("model_name is 1025 bytes long (expected: at most 1024 bytes)");
    assertThatThrownBy(() -> read(BodyFormat.TF_SERVING, predictNamed(over)))
        .isInstanceOf(RefusedBodyException.class)
        .hasMessage("model_spec.name is 1025 bytes long (expected: at most 1024 bytes)");
  }

  @Test
  void aModelNameThatIsNotUtf8IsMalformed() {
    byte[] body = {0x0a, 0x02, (byte) 0xc3, 0x28};
    assertThatThrownBy(() -> read(BodyFormat.OIP, body))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(RefusedBodyException.class)
        .hasMessageContaining("invalid UTF-8");
  }

  @Test
  void aBodyWithAsManyFieldsAsTheLimitIsReadAndOneMoreIsRefusedNamingTheLimit() throws IOException {
    // model_name, model_version, id, one parameter, one input, one raw content: 6 fields.
    int fields = 6;
    ModelInferRequest.Builder atLimit = OIP.toBuilder();
    for (int i = fields; i < MAX_FIELDS; i++) {
      atLimit.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("o"));
    }
    assertThat(read(BodyFormat.OIP, atLimit.build().toByteArray()))
        .isEqualTo(new ModelRef("digits", "2"));

    byte[] over =
        atLimit
            .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("o"))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> read(BodyFormat.OIP, over))
        .isInstanceOf(RefusedBodyException.class)
        .hasMessage(
            "the request body has more than 32 fields where the gateway looks for the model"
                + " (expected: at most 32, the gateway's maxPeekedFields)");
    RefusedBodyException refused =
        catchThrowableOfType(RefusedBodyException.class, () -> read(BodyFormat.OIP, over));
    assertThat(Statuses.malformedBody(refused).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Statuses.malformedBody(refused).getDescription()).isEqualTo(refused.getMessage());
  }

  @Test
  void theFieldsOfModelSpecCountTowardsTheLimit() {
    ModelSpec.Builder spec = PREDICT.getModelSpec().toBuilder();
    byte[] body =
        PredictRequest.newBuilder().setModelSpec(spec.setSignatureName("s")).build().toByteArray();
    byte[] padded = new byte[body.length + 2 * MAX_FIELDS];
    System.arraycopy(body, 0, padded, 0, body.length);
    // Unknown varint fields (number 15) after model_spec: 2 bytes each.
    for (int i = body.length; i < padded.length; i += 2) {
      padded[i] = (byte) BodyFormat.tag(15, 0);
    }
    assertThatThrownBy(() -> read(BodyFormat.TF_SERVING, padded))
        .isInstanceOf(RefusedBodyException.class)
        .hasMessageContaining("more than 32 fields");
  }

  @Test
  void aRoutingFieldThatAppearsTwiceIsRefusedWhateverItsValues() {
    byte[] oipTwice = concat(OIP.toByteArray(), name(NAME_FIELD, "secret"));
    // A peek that stopped at the first name would route by "digits"; protobuf keeps "secret".
    assertThat(parseOip(oipTwice).getModelName()).isEqualTo("secret");
    assertThatThrownBy(() -> read(BodyFormat.OIP, oipTwice))
        .isInstanceOf(RefusedBodyException.class)
        .hasMessage(
            "model_name appears more than once in the request body (expected: at most once, as"
                + " protobuf encoders write it)");
    assertThatThrownBy(() -> read(BodyFormat.OIP, concat(OIP.toByteArray(), name(2, "9"))))
        .hasMessageStartingWith("model_version appears more than once");

    // A second model_spec is merged into the first by protobuf: its name wins.
    byte[] specTwice =
        concat(
            PREDICT.toByteArray(),
            message(1, ModelSpec.newBuilder().setName("secret").build().toByteArray()));
    assertThatThrownBy(() -> read(BodyFormat.TF_SERVING, specTwice))
        .hasMessageStartingWith("model_spec appears more than once");
    byte[] nameTwice = message(1, concat(name(1, "digits"), name(1, "secret")));
    assertThatThrownBy(() -> read(BodyFormat.TF_SERVING, nameTwice))
        .hasMessageStartingWith("model_spec.name appears more than once");
    byte[] versionAndLabel =
        message(
            1,
            ModelSpec.newBuilder()
                .setName("digits")
                .setVersion(Int64Value.of(1))
                .build()
                .toByteArray(),
            name(4, "canary"));
    assertThatThrownBy(() -> read(BodyFormat.TF_SERVING, versionAndLabel))
        .hasMessageStartingWith("model_spec.version appears more than once");
  }

  @Test
  void aStrayEndGroupTagIsMalformedSoNothingAfterItCounts() {
    // Protobuf's parsers stop at the end-group tag and fail; the peek must not route by what
    // precedes it, or skip it and read on.
    byte[] body = concat(name(NAME_FIELD, "digits"), new byte[] {(byte) BodyFormat.tag(3, 4)});
    assertThatThrownBy(() -> read(BodyFormat.OIP, body))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(RefusedBodyException.class);
  }

  private static final int NAME_FIELD = 1;

  private static ModelRef read(BodyFormat format, byte[] body) throws IOException {
    return format.read(body, MAX_FIELDS);
  }

  /** A length-delimited field holding {@code text}. */
  private static byte[] name(int field, String text) {
    return message(field, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A length-delimited field holding {@code parts}, one after another. */
  private static byte[] message(int field, byte[]... parts) {
    byte[] value = concat(parts);
    ByteString.Output out = ByteString.newOutput();
    try {
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      coded.writeByteArray(field, value);
      coded.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteString().toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteString all = ByteString.EMPTY;
    for (byte[] part : parts) {
      all = all.concat(ByteString.copyFrom(part));
    }
    return all.toByteArray();
  }

  private static ModelInferRequest parseOip(byte[] body) {
    try {
      return ModelInferRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] predictNamed(String name) {
    return PREDICT.toBuilder()
        .setModelSpec(PREDICT.getModelSpec().toBuilder().setName(name))
        .build()
        .toByteArray();
  }

  @Test
  void aRequestWithoutAModelReadsAsEmpty() throws IOException {
    assertThat(read(BodyFormat.OIP, new byte[0])).isEqualTo(new ModelRef("", ""));
    assertThat(read(BodyFormat.TF_SERVING, new byte[0])).isEqualTo(new ModelRef("", ""));
  }

  @Test
  void malformedBytesAreRefused() {
    byte[] truncated = java.util.Arrays.copyOf(OIP.toByteArray(), 20);
    assertThatThrownBy(() -> read(BodyFormat.OIP, new byte[] {0x0a, 0x7f, 'x'}))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(BodyFormat.TF_SERVING, new byte[] {(byte) 0xff}))
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
