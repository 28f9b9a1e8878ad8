package io.infergate.infer.gateway;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse.TensorMetadata;
import io.infergate.infer.proto.tfserving.GetModelMetadataRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The calls a gateway warms its forwarding path with, through itself to each route's model servers:
 * OIP {@code ModelMetadata} and TF Serving {@code GetModelMetadata} (each API's way of finding the
 * model in a body), and, where the model's metadata could be read through the gateway, an OIP
 * {@code ModelInfer} of zeros of its inputs' types and shapes, so that request and answer bodies of
 * a real size are forwarded too. A model whose servers do not answer gets the metadata calls only;
 * {@link Warmup} stops once none answers.
 */
final class ForwardingWarmup {
  private static final MethodDescriptor<byte[], byte[]> MODEL_METADATA =
      RawMarshaller.of(GRPCInferenceServiceGrpc.getModelMetadataMethod());
  private static final MethodDescriptor<byte[], byte[]> MODEL_INFER =
      RawMarshaller.of(GRPCInferenceServiceGrpc.getModelInferMethod());
  private static final MethodDescriptor<byte[], byte[]> GET_MODEL_METADATA =
      RawMarshaller.of(PredictionServiceGrpc.getGetModelMetadataMethod());

  /** Bytes per element of the OIP datatypes a zero input can be made of. */
  private static final Map<String, Integer> ELEMENT_BYTES =
      Map.of(
          "BOOL", 1, "UINT8", 1, "INT8", 1, "INT16", 2, "INT32", 4, "INT64", 8, "FP16", 2, "FP32",
          4, "FP64", 8);

  /** How long reading a model's metadata through the gateway may take before it is given up. */
  private static final long METADATA_DEADLINE_SECONDS = 5;

  private ForwardingWarmup() {}

  /** The warm-up calls for every route of {@code routes}, reading metadata over {@code channel}. */
  static List<Warmup.Call> calls(Channel channel, RoutingTable<Rewrite> routes) {
    List<Warmup.Call> calls = new ArrayList<>();
    for (Route<Rewrite> route : routes.routes()) {
      String model = route.model();
      calls.add(
          new Warmup.Call(
              MODEL_METADATA,
              ModelMetadataRequest.newBuilder().setName(model).build().toByteArray()));
      calls.add(
          new Warmup.Call(
              GET_MODEL_METADATA,
              GetModelMetadataRequest.newBuilder()
                  .setModelSpec(ModelSpec.newBuilder().setName(model))
                  .addMetadataField("signature_def")
                  .build()
                  .toByteArray()));
      ModelInferRequest infer = zeros(channel, model);
      if (infer != null) {
        calls.add(new Warmup.Call(MODEL_INFER, infer.toByteArray()));
      }
    }
    return calls;
  }

  /** A ModelInfer of one row of zeros per input, or null if the metadata cannot be read or used. */
  private static ModelInferRequest zeros(Channel channel, String model) {
    ModelMetadataResponse metadata;
    try {
      metadata =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(METADATA_DEADLINE_SECONDS, TimeUnit.SECONDS)
              .modelMetadata(ModelMetadataRequest.newBuilder().setName(model).build());
    } catch (StatusRuntimeException e) {
      // No model server of this route answers yet: it gets the metadata calls only.
      return null;
    }
    ModelInferRequest.Builder request =
        ModelInferRequest.newBuilder().setModelName(model).setId("warmup");
    for (TensorMetadata input : metadata.getInputsList()) {
      Integer size = ELEMENT_BYTES.get(input.getDatatype());
      if (size == null) {
        return null;
      }
      ModelInferRequest.InferInputTensor.Builder tensor =
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(input.getName())
              .setDatatype(input.getDatatype());
      long elements = 1;
      for (long dimension : input.getShapeList()) {
        long concrete = dimension < 0 ? 1 : dimension;
        tensor.addShape(concrete);
        elements *= concrete;
      }
      if (elements * size > 1 << 20) {
        // Warming needs real bodies, not large ones.
        return null;
      }
      request.addInputs(tensor);
      request.addRawInputContents(ByteString.copyFrom(new byte[(int) elements * size]));
    }
    return request.build();
  }
}
