package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.ModelServer;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.ServerExtension;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse;
import io.infergate.infer.proto.oip.v2.ModelReadyRequest;
import io.infergate.infer.proto.oip.v2.ServerLiveRequest;
import io.infergate.infer.proto.oip.v2.ServerMetadataRequest;
import io.infergate.infer.proto.oip.v2.ServerMetadataResponse;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every OIP RPC against the trained digits model, both versions, over a real socket. */
class OipDigitsIT {
  @RegisterExtension static final ServerExtension server = new ServerExtension();
  static final DigitsDataset validation = DigitsRequests.validation();

  @Test
  void serverIsLiveAndReady() {
    assertThat(server.oip().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(server.oip().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
  }

  @Test
  void serverMetadataNamesThisServer() {
    ServerMetadataResponse metadata =
        server.oip().serverMetadata(ServerMetadataRequest.getDefaultInstance());

    assertThat(metadata.getName()).isEqualTo(ModelServer.NAME);
    assertThat(metadata.getVersion()).isEqualTo(ModelServer.VERSION);
  }

  @Test
  void modelReadyIsTrueForLoadedVersionsOnly() {
    assertThat(ready("digits", "")).isTrue();
    assertThat(ready("digits", "1")).isTrue();
    assertThat(ready("digits", "2")).isTrue();
    assertThat(ready("digits", "3")).isFalse();
    assertThat(ready("digits", "latest")).isFalse();
    assertThat(ready("no-such-model", "")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "2", ""})
  void modelMetadataComesFromTheServingSignature(String version) {
    ModelMetadataResponse metadata =
        server
            .oip()
            .modelMetadata(
                ModelMetadataRequest.newBuilder().setName("digits").setVersion(version).build());

    assertThat(metadata.getName()).isEqualTo("digits");
    assertThat(metadata.getVersionsList()).containsExactly("1", "2");
    assertThat(metadata.getPlatform()).isEqualTo("tensorflow_savedmodel");
    assertThat(metadata.getInputsList())
        .extracting(t -> t.getName() + ":" + t.getDatatype() + t.getShapeList())
        .containsExactly("pixels:FP32[-1, 64]");
    assertThat(metadata.getOutputsList())
        .extracting(t -> t.getName() + ":" + t.getDatatype() + t.getShapeList())
        .containsExactly("classes:INT64[-1]", "probs:FP32[-1, 10]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "2"})
  void typedCallsOnHeldOutDigitsClearTheAccuracyFloor(String version) {
    ModelInferResponse response =
        server.oip().modelInfer(DigitsRequests.oipTyped(validation, version).setId("acc").build());

    assertThat(response.getModelName()).isEqualTo("digits");
    assertThat(response.getModelVersion()).isEqualTo(version);
    assertThat(response.getId()).isEqualTo("acc");
    assertThat(response.getOutputs(0).getName()).isEqualTo("classes");
    assertThat(response.getOutputs(0).getShapeList()).containsExactly((long) validation.size());
    assertThat(response.getOutputs(1).getShapeList())
        .containsExactly((long) validation.size(), 10L);
    assertThat(
            DigitsRequests.accuracy(
                validation, response.getOutputs(0).getContents()::getInt64Contents))
        .isGreaterThanOrEqualTo(0.92);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "2"})
  void rawCallsGetRawAnswersThatAgreeWithTypedOnes(String version) {
    ModelInferResponse typed =
        server.oip().modelInfer(DigitsRequests.oipTyped(validation, version).build());
    ModelInferResponse raw =
        server.oip().modelInfer(DigitsRequests.oipRaw(validation, version).build());

    assertThat(raw.getOutputsList()).noneMatch(o -> o.hasContents());
    assertThat(raw.getRawOutputContentsCount()).isEqualTo(2);
    ByteBuffer classes = raw.getRawOutputContents(0).asReadOnlyByteBuffer();
    classes.order(ByteOrder.LITTLE_ENDIAN);
    for (int row = 0; row < validation.size(); row++) {
      assertThat(classes.getLong(row * 8))
          .isEqualTo(typed.getOutputs(0).getContents().getInt64Contents(row));
    }
    ByteBuffer probs = raw.getRawOutputContents(1).asReadOnlyByteBuffer();
    probs.order(ByteOrder.LITTLE_ENDIAN);
    assertThat(probs.getFloat(7 * 4))
        .isEqualTo(typed.getOutputs(1).getContents().getFp32Contents(7));
  }

  @Test
  void theNewestVersionAnswersWhenNoneIsNamed() {
    ModelInferResponse response =
        server.oip().modelInfer(DigitsRequests.oipTyped(validation.head(1), "").build());

    assertThat(response.getModelVersion()).isEqualTo("2");
  }

  @Test
  void versionsOneAndTwoAreDifferentModels() {
    ModelInferResponse v1 = server.oip().modelInfer(DigitsRequests.oipRaw(validation, "1").build());
    ModelInferResponse v2 = server.oip().modelInfer(DigitsRequests.oipRaw(validation, "2").build());

    assertThat(v1.getRawOutputContents(1)).isNotEqualTo(v2.getRawOutputContents(1));
  }

  @Test
  void onlyTheRequestedOutputIsReturned() {
    ModelInferResponse response =
        server
            .oip()
            .modelInfer(
                DigitsRequests.oipTyped(validation.head(3), "1")
                    .addOutputs(
                        io.infergate.infer.proto.oip.v2.ModelInferRequest.InferRequestedOutputTensor
                            .newBuilder()
                            .setName("probs"))
                    .build());

    assertThat(response.getOutputsList()).extracting(o -> o.getName()).containsExactly("probs");
    assertThat(response.getOutputs(0).getContents().getFp32ContentsCount()).isEqualTo(30);
  }

  @Test
  void anEmptyBatchIsAnsweredWithEmptyOutputs() {
    ModelInferResponse response =
        server.oip().modelInfer(DigitsRequests.oipTyped(validation.head(0), "2").build());

    assertThat(response.getOutputs(0).getShapeList()).containsExactly(0L);
    assertThat(response.getOutputs(1).getShapeList()).containsExactly(0L, 10L);
  }

  private static boolean ready(String name, String version) {
    return server
        .oip()
        .modelReady(ModelReadyRequest.newBuilder().setName(name).setVersion(version).build())
        .getReady();
  }
}
