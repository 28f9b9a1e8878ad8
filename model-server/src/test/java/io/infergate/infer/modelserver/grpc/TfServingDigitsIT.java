package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.ServerExtension;
import io.infergate.infer.proto.tfserving.GetModelMetadataRequest;
import io.infergate.infer.proto.tfserving.GetModelMetadataResponse;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.GetModelStatusResponse;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.ModelVersionStatus;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import io.infergate.infer.proto.tfserving.SignatureDefMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * TF Serving's PredictionService and ModelService against the trained digits model, real socket.
 */
class TfServingDigitsIT {
  @RegisterExtension static final ServerExtension server = new ServerExtension();
  static final DigitsDataset validation = DigitsRequests.validation();

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void predictOnHeldOutDigitsClearsTheAccuracyFloor(long version) {
    PredictResponse response =
        server.prediction().predict(DigitsRequests.predict(validation, version).build());

    assertThat(response.getModelSpec().getName()).isEqualTo("digits");
    assertThat(response.getModelSpec().getVersion()).isEqualTo(Int64Value.of(version));
    assertThat(response.getModelSpec().getSignatureName()).isEqualTo("serving_default");
    TensorProto classes = response.getOutputsOrThrow("classes");
    assertThat(classes.getDtype()).isEqualTo(DataType.DT_INT64);
    assertThat(classes.getTensorShape()).isEqualTo(DigitsRequests.shape(validation.size()));
    assertThat(DigitsRequests.accuracy(validation, classes::getInt64Val))
        .isGreaterThanOrEqualTo(0.92);
    TensorProto probs = response.getOutputsOrThrow("probs");
    assertThat(probs.getTensorShape()).isEqualTo(DigitsRequests.shape(validation.size(), 10));
    assertThat(probs.getFloatValCount()).isEqualTo(validation.size() * 10);
  }

  @Test
  void typedFloatValuesWorkLikeTensorContent() {
    PredictRequest.Builder request = DigitsRequests.predict(validation, 1);
    TensorProto.Builder pixels =
        request.getInputsOrThrow("pixels").toBuilder().clearTensorContent();
    for (float pixel : validation.flatPixels()) {
      pixels.addFloatVal(pixel);
    }
    request.putInputs("pixels", pixels.build());

    PredictResponse typed = server.prediction().predict(request.build());
    PredictResponse content =
        server.prediction().predict(DigitsRequests.predict(validation, 1).build());

    assertThat(typed.getOutputsMap()).isEqualTo(content.getOutputsMap());
  }

  @Test
  void predictWithoutAVersionUsesTheNewest() {
    PredictResponse response =
        server.prediction().predict(DigitsRequests.predict(validation, 0).build());

    assertThat(response.getModelSpec().getVersion()).isEqualTo(Int64Value.of(2));
  }

  @Test
  void outputFilterReturnsOnlyTheNamedOutputs() {
    PredictResponse response =
        server
            .prediction()
            .predict(DigitsRequests.predict(validation, 2).addOutputFilter("classes").build());

    assertThat(response.getOutputsMap()).containsOnlyKeys("classes");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void getModelMetadataPacksTheSignatureDefMap(long version) throws Exception {
    GetModelMetadataResponse response =
        server
            .prediction()
            .getModelMetadata(
                GetModelMetadataRequest.newBuilder()
                    .setModelSpec(
                        ModelSpec.newBuilder().setName("digits").setVersion(Int64Value.of(version)))
                    .addMetadataField("signature_def")
                    .build());

    assertThat(response.getModelSpec().getVersion().getValue()).isEqualTo(version);
    assertThat(response.getMetadataOrThrow("signature_def").getTypeUrl())
        .isEqualTo("type.googleapis.com/tensorflow.serving.SignatureDefMap");
    SignatureDef signature =
        response
            .getMetadataOrThrow("signature_def")
            .unpack(SignatureDefMap.class)
            .getSignatureDefOrThrow("serving_default");
    assertThat(signature.getMethodName()).isEqualTo("tensorflow/serving/predict");
    assertThat(signature.getInputsOrThrow("pixels").getDtype()).isEqualTo(DataType.DT_FLOAT);
    assertThat(signature.getInputsOrThrow("pixels").getTensorShape())
        .isEqualTo(DigitsRequests.shape(-1, 64));
    assertThat(signature.getOutputsMap()).containsOnlyKeys("probs", "classes");
  }

  @Test
  void getModelStatusListsEveryLoadedVersionAsAvailable() {
    GetModelStatusResponse all =
        server
            .modelService()
            .getModelStatus(
                GetModelStatusRequest.newBuilder()
                    .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                    .build());
    GetModelStatusResponse one =
        server
            .modelService()
            .getModelStatus(
                GetModelStatusRequest.newBuilder()
                    .setModelSpec(
                        ModelSpec.newBuilder().setName("digits").setVersion(Int64Value.of(1)))
                    .build());

    assertThat(all.getModelVersionStatusList())
        .extracting(ModelVersionStatus::getVersion, ModelVersionStatus::getState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, ModelVersionStatus.State.AVAILABLE),
            org.assertj.core.groups.Tuple.tuple(2L, ModelVersionStatus.State.AVAILABLE));
    assertThat(all.getModelVersionStatus(0).getStatus().getErrorCode()).isEqualTo(Code.OK);
    assertThat(one.getModelVersionStatusList())
        .extracting(ModelVersionStatus::getVersion)
        .containsExactly(1L);
  }
}
