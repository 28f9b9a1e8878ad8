package io.infergate.infer.modelserver;

import static io.infergate.infer.modelserver.testing.CallFailures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.testing.ServerExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Standard grpc.health.v1 and server reflection, as load balancers, grpcurl and ghz use them. */
class HealthAndReflectionIT {
  @RegisterExtension static final ServerExtension server = new ServerExtension();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "inference.GRPCInferenceService",
        "tensorflow.serving.PredictionService",
        "tensorflow.serving.ModelService",
        "PredictionService",
        "ModelService",
        "digits",
        "typed"
      })
  void healthReportsServing(String service) {
    assertThat(check(service)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void healthOfAnUnknownServiceIsNotFound() {
    assertFails(() -> check("no-such-model"), Status.Code.NOT_FOUND);
  }

  @Test
  void reflectionListsBothInferenceApis() throws Exception {
    ServerReflectionResponse response =
        reflect(ServerReflectionRequest.newBuilder().setListServices("").build());

    assertThat(response.getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains(
            "inference.GRPCInferenceService",
            "tensorflow.serving.PredictionService",
            "tensorflow.serving.ModelService",
            "grpc.health.v1.Health");
  }

  @Test
  void reflectionDescribesPredictWithTensorFlowsOwnTensorProto() throws Exception {
    ServerReflectionResponse response =
        reflect(
            ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("tensorflow.serving.PredictionService")
                .build());

    List<String> files =
        response.getFileDescriptorResponse().getFileDescriptorProtoList().stream()
            .map(
                bytes -> {
                  try {
                    return FileDescriptorProto.parseFrom(bytes).getName();
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                })
            .toList();
    assertThat(files)
        .contains(
            "tensorflow_serving/apis/prediction_service.proto",
            "tensorflow_serving/apis/predict.proto",
            "tensorflow/core/framework/tensor.proto");
  }

  private static ServingStatus check(String service) {
    return HealthGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static ServerReflectionResponse reflect(ServerReflectionRequest request)
      throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(server.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(new AssertionError("no response"));
                  }
                });
    requests.onNext(request);
    requests.onCompleted();
    return answer.get(10, TimeUnit.SECONDS);
  }
}
