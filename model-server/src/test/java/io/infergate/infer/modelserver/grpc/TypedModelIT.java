package io.infergate.infer.modelserver.grpc;

import static io.infergate.infer.modelserver.testing.CallFailures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.Status;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TypedTestModel;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferInputTensor;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** FP64, INT32 and INT64 tensors through both APIs, typed and raw, on a real socket. */
class TypedModelIT {
  @TempDir static Path repository;
  static RunningServer server;

  @BeforeAll
  static void start() throws Exception {
    TypedTestModel.export(repository, 1);
    server = RunningServer.start(repository);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void metadataListsEveryTypedInputAndOutput() {
    ModelMetadataResponse metadata =
        server.oip().modelMetadata(ModelMetadataRequest.newBuilder().setName("typed").build());

    assertThat(metadata.getInputsList())
        .extracting(t -> t.getName() + ":" + t.getDatatype() + t.getShapeList())
        .containsExactly("f64:FP64[-1, 2]", "i32:INT32[-1, 2]", "i64:INT64[-1]");
    assertThat(metadata.getOutputsList())
        .extracting(t -> t.getName() + ":" + t.getDatatype() + t.getShapeList())
        .containsExactly("doubled:FP64[-1, 2]", "negated:INT64[-1]", "plus_one:INT32[-1, 2]");
  }

  @Test
  void typedInputsComeBackTyped() {
    ModelInferResponse response = server.oip().modelInfer(typedRequest().build());

    assertThat(response.getRawOutputContentsCount()).isZero();
    assertThat(response.getOutputs(0).getContents().getFp64ContentsList())
        .containsExactly(3.0, -1.0, 0.5, 8.0);
    assertThat(response.getOutputs(1).getContents().getInt64ContentsList())
        .containsExactly(-7L, 9L);
    assertThat(response.getOutputs(2).getContents().getIntContentsList())
        .containsExactly(2, 3, -4, 101);
    assertThat(response.getOutputs(2).getShapeList()).containsExactly(2L, 2L);
  }

  @Test
  void rawInputsComeBackRaw() {
    ByteBuffer f64 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    f64.putDouble(1.5).putDouble(-0.5).putDouble(0.25).putDouble(4).flip();
    ByteBuffer i32 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    i32.putInt(1).putInt(2).putInt(-5).putInt(100).flip();
    ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    i64.putLong(7).putLong(-9).flip();
    ModelInferRequest.Builder request = typedRequest();
    for (int i = 0; i < 3; i++) {
      request.getInputsBuilder(i).clearContents();
    }
    request
        .addRawInputContents(ByteString.copyFrom(f64))
        .addRawInputContents(ByteString.copyFrom(i32))
        .addRawInputContents(ByteString.copyFrom(i64));

    ModelInferResponse response = server.oip().modelInfer(request.build());

    assertThat(response.getOutputsList()).allMatch(o -> !o.hasContents());
    ByteBuffer doubled = response.getRawOutputContents(0).asReadOnlyByteBuffer();
    doubled.order(ByteOrder.LITTLE_ENDIAN);
    assertThat(doubled.getDouble(0)).isEqualTo(3.0);
    assertThat(doubled.getDouble(24)).isEqualTo(8.0);
    ByteBuffer negated = response.getRawOutputContents(1).asReadOnlyByteBuffer();
    assertThat(negated.order(ByteOrder.LITTLE_ENDIAN).getLong(8)).isEqualTo(9L);
    assertThat(response.getRawOutputContents(2).size()).isEqualTo(16);
  }

  @Test
  void predictTakesTypedValuesAndTensorContent() {
    ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    i64.putLong(7).putLong(-9).flip();
    PredictRequest request =
        PredictRequest.newBuilder()
            .setModelSpec(ModelSpec.newBuilder().setName("typed"))
            .putInputs(
                "f64",
                tensor(DataType.DT_DOUBLE, 2, 2)
                    .addAllDoubleVal(List.of(1.5, -0.5, 0.25, 4.0))
                    .build())
            .putInputs(
                "i32", tensor(DataType.DT_INT32, 2, 2).addAllIntVal(List.of(1, 2, -5, 100)).build())
            .putInputs(
                "i64",
                tensor(DataType.DT_INT64, 2).setTensorContent(ByteString.copyFrom(i64)).build())
            .addOutputFilter("negated")
            .build();

    PredictResponse response = server.prediction().predict(request);

    assertThat(response.getOutputsMap()).containsOnlyKeys("negated");
    assertThat(response.getOutputsOrThrow("negated").getInt64ValList()).containsExactly(-7L, 9L);
    assertThat(response.getModelSpec().getVersion()).isEqualTo(Int64Value.of(1));
  }

  @Test
  void int32InputSentAsFp64IsRefusedNamingBoth() {
    ModelInferRequest.Builder request = typedRequest();
    request.getInputsBuilder(1).setDatatype("FP64");

    assertFails(
        () -> server.oip().modelInfer(request.build()),
        Status.Code.INVALID_ARGUMENT,
        "inference input 'i32' data-type is 'FP64', but model 'typed' expects 'INT32'");
  }

  private static ModelInferRequest.Builder typedRequest() {
    return ModelInferRequest.newBuilder()
        .setModelName("typed")
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("f64")
                .setDatatype("FP64")
                .addShape(2)
                .addShape(2)
                .setContents(
                    InferTensorContents.newBuilder()
                        .addAllFp64Contents(List.of(1.5, -0.5, 0.25, 4.0))))
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("i32")
                .setDatatype("INT32")
                .addShape(2)
                .addShape(2)
                .setContents(
                    InferTensorContents.newBuilder().addAllIntContents(List.of(1, 2, -5, 100))))
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("i64")
                .setDatatype("INT64")
                .addShape(2)
                .setContents(
                    InferTensorContents.newBuilder().addAllInt64Contents(List.of(7L, -9L))));
  }

  private static TensorProto.Builder tensor(DataType type, long... shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long dim : shape) {
      dims.addDimBuilder().setSize(dim);
    }
    return TensorProto.newBuilder().setDtype(type).setTensorShape(dims);
  }
}
