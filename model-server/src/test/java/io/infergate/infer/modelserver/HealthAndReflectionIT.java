package io.infergate.infer.modelserver;

import static io.infergate.infer.modelserver.testing.CallFailures.assertFails;
import static io.infergate.infer.observability.testing.StandardServiceCalls.health;
import static io.infergate.infer.observability.testing.StandardServiceCalls.listServices;
import static io.infergate.infer.observability.testing.StandardServiceCalls.reflect;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.infergate.infer.modelserver.testing.ServerExtension;
import java.util.List;
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
        "typed",
        "liveness"
      })
  void healthReportsServing(String service) {
    assertThat(health(server.channel(), service)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void healthOfAnUnknownServiceIsNotFound() {
    assertFails(() -> health(server.channel(), "no-such-model"), Status.Code.NOT_FOUND);
  }

  @Test
  void reflectionListsBothInferenceApis() throws Exception {
    ServerReflectionResponse response = listServices(server.channel());

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
            server.channel(),
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
}
