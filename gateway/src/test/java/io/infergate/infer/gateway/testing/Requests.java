package io.infergate.infer.gateway.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.MethodDescriptor;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;

/** The public API's methods as raw bytes, and request bodies that name a model. */
public final class Requests {
  public static final MethodDescriptor<byte[], byte[]> MODEL_INFER =
      RawMarshaller.of(GRPCInferenceServiceGrpc.getModelInferMethod());
  public static final MethodDescriptor<byte[], byte[]> PREDICT =
      RawMarshaller.of(PredictionServiceGrpc.getPredictMethod());

  private Requests() {}

  /** A byte-array method of {@code type} named {@code fullName}, such as one no server has. */
  public static MethodDescriptor<byte[], byte[]> method(
      String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder(
            RawMarshaller.INSTANCE, RawMarshaller.INSTANCE)
        .setFullMethodName(fullName)
        .setType(type)
        .build();
  }

  /**
   * An OIP ModelInferRequest for {@code model} ({@code version} "" for any), with an input tensor
   * and raw contents, so that the body has more than the fields the gateway reads. Fake backends
   * echo it, and its {@code model_version} (field 2) is where a ModelInferResponse says which
   * version served, so the echo tells the gateway the requested version served.
   */
  public static byte[] oip(String model, String version) {
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .setModelVersion(version)
        .setId("request-1")
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("pixels")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(4))
        .addRawInputContents(ByteString.copyFrom(new byte[] {0, 0, -128, 63, 0, 0, 0, 64}))
        .build()
        .toByteArray();
  }

  /** A TF Serving PredictRequest for {@code model}, version {@code version} (0 for any). */
  public static byte[] predict(String model, long version) {
    ModelSpec.Builder spec = ModelSpec.newBuilder().setName(model);
    if (version > 0) {
      spec.setVersion(Int64Value.of(version));
    }
    return PredictRequest.newBuilder().setModelSpec(spec).build().toByteArray();
  }
}
