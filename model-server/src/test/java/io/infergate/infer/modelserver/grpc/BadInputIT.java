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
    List<BadCall> calls = new ArrayList<>();
    // Open Inference Protocol.
    oip(
        calls,
        "empty request",
        ModelInferRequest.newBuilder(),
        Status.Code.INVALID_ARGUMENT,
        "model_name is required");
    oip(
        calls,
        "unknown model",
        typed().setModelName("nope"),
        Status.Code.NOT_FOUND,
        "model 'nope' not found");
    oip(
        calls,
        "unknown version",
        typed().setModelVersion("7"),
        Status.Code.NOT_FOUND,
        "model 'digits' version 7 not found (loaded: [1, 2])");
    oip(
        calls,
        "unknown version label",
        typed().setModelVersion("latest"),
        Status.Code.NOT_FOUND,
        "model 'digits' has no version labelled 'latest'");
    oip(
        calls,
        "no inputs",
        typed().clearInputs(),
        Status.Code.INVALID_ARGUMENT,
        "expected 1 inputs but got 0 inputs for model 'digits'; missing: [pixels]");
    oip(
        calls,
        "unknown input",
        renamed("pixel"),
        Status.Code.INVALID_ARGUMENT,
        "unexpected inference input 'pixel' for model 'digits'; expected inputs: [pixels]");
    oip(
        calls,
        "duplicate input",
        typed().addInputs(typed().getInputs(0)),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels' is given more than once");
    oip(
        calls,
        "wrong datatype",
        withInput(i -> i.setDatatype("FP64")),
        Status.Code.INVALID_ARGUMENT,
        "inference input 'pixels' data-type is 'FP64', but model 'digits' expects 'FP32'");
    oip(
        calls,
        "unknown datatype",
        withInput(i -> i.setDatatype("fp32")),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels': datatype 'fp32' is not one this server serves");
    oip(
        calls,
        "wrong rank",
        withInput(i -> i.clearShape().addShape(64)),
        Status.Code.INVALID_ARGUMENT,
        "unexpected shape for input 'pixels' for model 'digits'. Expected [-1,64], got [64]");
    oip(
        calls,
        "wrong dimension",
        withInput(i -> i.setShape(1, 63)),
        Status.Code.INVALID_ARGUMENT,
        "Expected [-1,64], got [1,63]");
    oip(
        calls,
        "negative dimension",
        withInput(i -> i.setShape(0, -1)),
        Status.Code.INVALID_ARGUMENT,
        "Expected [-1,64], got [-1,64]");
    oip(
        calls,
        "overflowing shape",
        withInput(i -> i.setShape(0, 1L << 40).setShape(1, 64)),
        Status.Code.INVALID_ARGUMENT,
        "got [1099511627776,64]");
    oip(
        calls,
        "too few elements",
        withInput(i -> i.setShape(0, 2)),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels': shape [2,64] needs 128 FP32 elements in contents.fp32_contents, got 64");
    oip(
        calls,
        "data in the wrong contents field",
        withInput(i -> i.setContents(InferTensorContents.newBuilder().addIntContents(1))),
        Status.Code.INVALID_ARGUMENT,
        "got 0 (data is in another contents field)");
    oip(
        calls,
        "raw byte size",
        raw().setRawInputContents(0, ByteString.copyFrom(new byte[255])),
        Status.Code.INVALID_ARGUMENT,
        "input byte size mismatch for input 'pixels' for model 'digits'. Expected 256, got 255");
    oip(
        calls,
        "typed and raw both given",
        raw().setInputs(0, typed().getInputs(0)),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels' has contents while raw_input_contents is used");
    oip(
        calls,
        "more raw entries than inputs",
        raw().addRawInputContents(ByteString.EMPTY),
        Status.Code.INVALID_ARGUMENT,
        "raw_input_contents has 2 entries but the request has 1 inputs");
    oip(
        calls,
        "unknown output",
        typed().addOutputs(InferRequestedOutputTensor.newBuilder().setName("logits")),
        Status.Code.INVALID_ARGUMENT,
        "unexpected inference output 'logits' for model 'digits'");
    oip(
        calls,
        "duplicate output",
        typed()
            .addOutputs(InferRequestedOutputTensor.newBuilder().setName("probs"))
            .addOutputs(InferRequestedOutputTensor.newBuilder().setName("probs")),
        Status.Code.INVALID_ARGUMENT,
        "output 'probs' is requested more than once");
    calls.add(
        new BadCall(
            "metadata of unknown model",
            s -> s.oip().modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build()),
            Status.Code.NOT_FOUND,
            "model 'nope' not found"));

    // TF Serving.
    predict(
        calls,
        "empty Predict",
        PredictRequest.newBuilder(),
        Status.Code.INVALID_ARGUMENT,
        "model_spec.name is required");
    predict(
        calls,
        "Predict unknown model",
        spec(s -> s.setName("nope")),
        Status.Code.NOT_FOUND,
        "model 'nope' not found");
    predict(
        calls,
        "Predict unknown version",
        spec(s -> s.setVersion(Int64Value.of(9))),
        Status.Code.NOT_FOUND,
        "model 'digits' version 9 not found");
    predict(
        calls,
        "Predict unknown version label",
        spec(s -> s.setVersionLabel("beta")),
        Status.Code.NOT_FOUND,
        "model 'digits' has no version labelled 'beta'");
    predict(
        calls,
        "Predict unknown signature",
        spec(s -> s.setSignatureName("classify")),
        Status.Code.FAILED_PRECONDITION,
        "Serving signature key \"classify\" not found.");
    predict(
        calls,
        "Predict missing input",
        predictRequest().clearInputs(),
        Status.Code.INVALID_ARGUMENT,
        "input size does not match signature: 0!=1 len({}) != len({pixels}). Sent extra: {}."
            + " Missing but required: {pixels}.");
    predict(
        calls,
        "Predict extra input",
        predictRequest().putInputs("extra", predictRequest().getInputsOrThrow("pixels")),
        Status.Code.INVALID_ARGUMENT,
        "Sent extra: {extra}. Missing but required: {}.");
    predict(
        calls,
        "Predict wrong dtype",
        tensor(t -> t.setDtype(DataType.DT_DOUBLE)),
        Status.Code.INVALID_ARGUMENT,
        "Expects arg[0] ('pixels') to be float but double is provided");
    predict(
        calls,
        "Predict wrong shape",
        tensor(t -> t.setTensorShape(DigitsRequests.shape(1, 8, 8))),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels': shape [1,8,8] does not match the signature's [-1,64]");
    predict(
        calls,
        "Predict short tensor_content",
        tensor(t -> t.setTensorContent(t.getTensorContent().substring(1))),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels': tensor_content has 255 bytes, but shape [1,64] of float needs 256");
    predict(
        calls,
        "Predict short float_val",
        tensor(t -> t.clearTensorContent().addAllFloatVal(List.of(1f, 2f))),
        Status.Code.INVALID_ARGUMENT,
        "input 'pixels': float_val has 2 values, but shape [1,64] needs 64");
    predict(
        calls,
        "Predict unknown output filter",
        predictRequest().addOutputFilter("logits"),
        Status.Code.INVALID_ARGUMENT,
        "output tensor alias not found in signature: logits");
    predict(
        calls,
        "Predict duplicate output filter",
        predictRequest().addOutputFilter("classes").addOutputFilter("classes"),
        Status.Code.INVALID_ARGUMENT,
        "duplicate output tensor alias: classes");
    calls.add(
        new BadCall(
            "GetModelMetadata without fields",
            s ->
                s.prediction()
                    .getModelMetadata(
                        GetModelMetadataRequest.newBuilder()
                            .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                            .build()),
            Status.Code.INVALID_ARGUMENT,
            "GetModelMetadataRequest must specify at least one metadata_field"));
    calls.add(
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
            "Metadata field graph is not supported"));
    calls.add(
        new BadCall(
            "GetModelStatus unknown model",
            s ->
                s.modelService()
                    .getModelStatus(
                        GetModelStatusRequest.newBuilder()
                            .setModelSpec(ModelSpec.newBuilder().setName("nope"))
                            .build()),
            Status.Code.NOT_FOUND,
            "model 'nope' not found"));
    calls.add(
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
    return calls;
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

  private static void oip(
      List<BadCall> calls,
      String name,
      ModelInferRequest.Builder request,
      Status.Code code,
      String message) {
    ModelInferRequest built = request.build();
    calls.add(new BadCall(name, s -> s.oip().modelInfer(built), code, message));
  }

  private static void predict(
      List<BadCall> calls,
      String name,
      PredictRequest.Builder request,
      Status.Code code,
      String message) {
    PredictRequest built = request.build();
    calls.add(new BadCall(name, s -> s.prediction().predict(built), code, message));
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
