package io.infergate.infer.modelserver.grpc;

import static io.infergate.infer.modelserver.testing.CallFailures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.ServerExtension;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferRequestedOutputTensor;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.tfserving.GetModelMetadataRequest;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * Every kind of bad input named in the foundation issue gets its own status and a message that
 * names the input and what was expected; a flood of them leaves the server healthy and correct.
 */
class BadInputIT {
  @RegisterExtension static final ServerExtension server = new ServerExtension();
  static final DigitsDataset one = DigitsRequests.validation().head(1);

  /** A bad call, the status it must get, and words its description must contain. */
  record BadCall(String name, Consumer<ServerExtension> call, Status.Code code, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> badCalls() {
    return calls().stream().map(Arguments::of);
  }

  static List<BadCall> calls() {
    return List.of(
        // Open Inference Protocol.
        new BadCall(
            "empty request",
            oip(ModelInferRequest.newBuilder()),
            Status.Code.INVALID_ARGUMENT,
            "model_name is required"),
        new BadCall(
            "unknown model",
            oip(typed().setModelName("nope")),
            Status.Code.NOT_FOUND,
            "model 'nope' not found"),
        new BadCall(
            "unknown version",
            oip(typed().setModelVersion("7")),
            Status.Code.NOT_FOUND,
            "model 'digits' version 7 not found (loaded: [1, 2])"),
        new BadCall(
            "unknown version label",
            oip(typed().setModelVersion("latest")),
            Status.Code.NOT_FOUND,
            "model 'digits' has no version labelled 'latest'"),
        new BadCall(
            "no inputs",
            oip(typed().clearInputs()),
            Status.Code.INVALID_ARGUMENT,
            "expected 1 inputs but got 0 inputs for model 'digits'; missing: [pixels]"),
        new BadCall(
            "unknown input",
            oip(renamed("pixel")),
            Status.Code.INVALID_ARGUMENT,
            "unexpected inference input 'pixel' for model 'digits'; expected inputs: [pixels]"),
        new BadCall(
            "duplicate input",
            oip(typed().addInputs(typed().getInputs(0))),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels' is given more than once"),
        new BadCall(
            "wrong datatype",
            oip(datatype("FP64")),
            Status.Code.INVALID_ARGUMENT,
            "inference input 'pixels' data-type is 'FP64', but model 'digits' expects 'FP32'"),
        new BadCall(
            "unknown datatype",
            oip(datatype("fp32")),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels': datatype 'fp32' is not one this server serves"),
        new BadCall(
            "wrong rank",
            oip(withInput(i -> i.clearShape().addShape(64))),
            Status.Code.INVALID_ARGUMENT,
            "unexpected shape for input 'pixels' for model 'digits'. Expected [-1,64], got [64]"),
        new BadCall(
            "wrong dimension",
            oip(withInput(i -> i.setShape(1, 63))),
            Status.Code.INVALID_ARGUMENT,
            "Expected [-1,64], got [1,63]"),
        new BadCall(
            "negative dimension",
            oip(withInput(i -> i.setShape(0, -1))),
            Status.Code.INVALID_ARGUMENT,
            "Expected [-1,64], got [-1,64]"),
        new BadCall(
            "overflowing shape",
            oip(withInput(i -> i.setShape(0, 1L << 40).setShape(1, 64))),
            Status.Code.INVALID_ARGUMENT,
            "got [1099511627776,64]"),
        new BadCall(
            "too few elements",
            oip(withInput(i -> i.setShape(0, 2))),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels': shape [2,64] needs 128 FP32 elements in contents.fp32_contents, got 64"),
        new BadCall(
            "data in the wrong contents field",
            oip(withInput(i -> i.setContents(InferTensorContents.newBuilder().addIntContents(1)))),
            Status.Code.INVALID_ARGUMENT,
            "got 0 (data is in another contents field)"),
        new BadCall(
            "raw byte size",
            oip(raw().setRawInputContents(0, ByteString.copyFrom(new byte[255]))),
            Status.Code.INVALID_ARGUMENT,
            "input byte size mismatch for input 'pixels' for model 'digits'. Expected 256, got 255"),
        new BadCall(
            "typed and raw both given",
            oip(raw().setInputs(0, typed().getInputs(0))),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels' has contents while raw_input_contents is used"),
        new BadCall(
            "more raw entries than inputs",
            oip(raw().addRawInputContents(ByteString.EMPTY)),
            Status.Code.INVALID_ARGUMENT,
            "raw_input_contents has 2 entries but the request has 1 inputs"),
        new BadCall(
            "unknown output",
            oip(typed().addOutputs(InferRequestedOutputTensor.newBuilder().setName("logits"))),
            Status.Code.INVALID_ARGUMENT,
            "unexpected inference output 'logits' for model 'digits'"),
        new BadCall(
            "duplicate output",
            oip(
                typed()
                    .addOutputs(InferRequestedOutputTensor.newBuilder().setName("probs"))
                    .addOutputs(InferRequestedOutputTensor.newBuilder().setName("probs"))),
            Status.Code.INVALID_ARGUMENT,
            "output 'probs' is requested more than once"),
        new BadCall(
            "metadata of unknown model",
            s -> s.oip().modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()),
            Status.Code.NOT_FOUND,
            "model 'nope' not found"),

        // TF Serving.
        new BadCall(
            "empty Predict",
            predict(PredictRequest.newBuilder()),
            Status.Code.INVALID_ARGUMENT,
            "model_spec.name is required"),
        new BadCall(
            "Predict unknown model",
            predict(spec(s -> s.setName("nope"))),
            Status.Code.NOT_FOUND,
            "model 'nope' not found"),
        new BadCall(
            "Predict unknown version",
            predict(spec(s -> s.setVersion(Int64Value.of(9)))),
            Status.Code.NOT_FOUND,
            "model 'digits' version 9 not found"),
        new BadCall(
            "Predict unknown version label",
            predict(spec(s -> s.setVersionLabel("beta"))),
            Status.Code.NOT_FOUND,
            "model 'digits' has no version labelled 'beta'"),
        new BadCall(
            "Predict unknown signature",
            predict(spec(s -> s.setSignatureName("classify"))),
            Status.Code.FAILED_PRECONDITION,
            "Serving signature key \"classify\" not found."),
        new BadCall(
            "Predict missing input",
            predict(predictRequest().clearInputs()),
            Status.Code.INVALID_ARGUMENT,
            "input size does not match signature: 0!=1 len({}) != len({pixels}). Sent extra: {}."
                + " Missing but required: {pixels}."),
        new BadCall(
            "Predict extra input",
            predict(
                predictRequest().putInputs("extra", predictRequest().getInputsOrThrow("pixels"))),
            Status.Code.INVALID_ARGUMENT,
            "Sent extra: {extra}. Missing but required: {}."),
        new BadCall(
            "Predict wrong dtype",
            predict(tensor(t -> t.setDtype(DataType.DT_DOUBLE))),
            Status.Code.INVALID_ARGUMENT,
            "Expects arg[0] ('pixels') to be float but double is provided"),
        new BadCall(
            "Predict wrong shape",
            predict(tensor(t -> t.setTensorShape(DigitsRequests.shape(1, 8, 8)))),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels': shape [1,8,8] does not match the signature's [-1,64]"),
        new BadCall(
            "Predict short tensor_content",
            predict(tensor(t -> t.setTensorContent(t.getTensorContent().substring(1)))),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels': tensor_content has 255 bytes, but shape [1,64] of float needs 256"),
        new BadCall(
            "Predict short float_val",
            predict(tensor(t -> t.clearTensorContent().addAllFloatVal(List.of(1f, 2f)))),
            Status.Code.INVALID_ARGUMENT,
            "input 'pixels': float_val has 2 values, but shape [1,64] needs 64"),
        new BadCall(
            "Predict unknown output filter",
            predict(predictRequest().addOutputFilter("logits")),
            Status.Code.INVALID_ARGUMENT,
            "output tensor alias not found in signature: logits"),
        new BadCall(
            "Predict duplicate output filter",
            predict(predictRequest().addOutputFilter("classes").addOutputFilter("classes")),
            Status.Code.INVALID_ARGUMENT,
            "duplicate output tensor alias: classes"),
        new BadCall(
            "GetModelMetadata without fields",
            s ->
                s.prediction()
                    .getModelMetadata(
                        GetModelMetadataRequest.newBuilder()
                            .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                            .build()),
            Status.Code.INVALID_ARGUMENT,
            "GetModelMetadataRequest must specify at least one metadata_field"),
        new BadCall(
            "GetModelMetadata unsupported field",
            s ->
                s.prediction()
                    .getModelMetadata(
                        GetModelMetadataRequest.newBuilder()
                            .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                            .addMetadataField("graph")
                            .build()),
            Status.Code.INVALID_ARGUMENT,
            "Metadata field graph is not supported"),
        new BadCall(
            "GetModelStatus unknown model",
            s ->
                s.modelService()
                    .getModelStatus(
                        GetModelStatusRequest.newBuilder()
                            .setModelSpec(ModelSpec.newBuilder().setName("nope"))
                            .build()),
            Status.Code.NOT_FOUND,
            "model 'nope' not found"),
        new BadCall(
            "GetModelStatus unknown version",
            s ->
                s.modelService()
                    .getModelStatus(
                        GetModelStatusRequest.newBuilder()
                            .setModelSpec(
                                ModelSpec.newBuilder()
                                    .setName("digits")
                                    .setVersion(Int64Value.of(5)))
                            .build()),
            Status.Code.NOT_FOUND,
            "model 'digits' version 5 not found"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCalls")
  void badInputGetsAClearStatus(BadCall bad) {
    assertThat(
            assertFails(() -> bad.call().accept(server), bad.code()).getStatus().getDescription())
        .contains(bad.message());
  }

  @Test
  void aFloodOfBadInputLeavesTheServerHealthyAndCorrect() throws Exception {
    List<BadCall> calls = calls();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Status.Code>> answers = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        BadCall bad = calls.get(i % calls.size());
        answers.add(
            clients.submit(
                () -> {
                  try {
                    bad.call().accept(server);
                    return Status.Code.OK;
                  } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode();
                  }
                }));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).get())
            .as(calls.get(i % calls.size()).name())
            .isEqualTo(calls.get(i % calls.size()).code());
      }
    } finally {
      clients.shutdownNow();
    }

    assertThat(
            HealthGrpc.newBlockingStub(server.channel())
                .check(HealthCheckRequest.newBuilder().setService("digits").build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    DigitsDataset validation = DigitsRequests.validation();
    var response = server.oip().modelInfer(DigitsRequests.oipRaw(validation, "2").build());
    assertThat(response.getRawOutputContents(0).size()).isEqualTo(validation.size() * 8);
  }

  /** ModelInfer with {@code request}, built once. */
  private static Consumer<ServerExtension> oip(ModelInferRequest.Builder request) {
    ModelInferRequest built = request.build();
    return s -> s.oip().modelInfer(built);
  }

  /** Predict with {@code request}, built once. */
  private static Consumer<ServerExtension> predict(PredictRequest.Builder request) {
    PredictRequest built = request.build();
    return s -> s.prediction().predict(built);
  }

  private static ModelInferRequest.Builder typed() {
    return DigitsRequests.oipTyped(one, "1");
  }

  private static ModelInferRequest.Builder raw() {
    return DigitsRequests.oipRaw(one, "1");
  }

  private static ModelInferRequest.Builder renamed(String name) {
    return withInput(i -> i.setName(name));
  }

  private static ModelInferRequest.Builder datatype(String datatype) {
    return withInput(i -> i.setDatatype(datatype));
  }

  private static ModelInferRequest.Builder withInput(
      Consumer<ModelInferRequest.InferInputTensor.Builder> change) {
    ModelInferRequest.Builder request = typed();
    change.accept(request.getInputsBuilder(0));
    return request;
  }

  private static PredictRequest.Builder predictRequest() {
    return DigitsRequests.predict(one, 1);
  }

  private static PredictRequest.Builder spec(Consumer<ModelSpec.Builder> change) {
    PredictRequest.Builder request = predictRequest();
    change.accept(request.getModelSpecBuilder());
    return request;
  }

  private static PredictRequest.Builder tensor(Consumer<TensorProto.Builder> change) {
    PredictRequest.Builder request = predictRequest();
    TensorProto.Builder pixels = request.getInputsOrThrow("pixels").toBuilder();
    change.accept(pixels);
    return request.putInputs("pixels", pixels.build());
  }
}
