package io.infergate.infer.gateway.proxy;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.tfserving.ModelServiceGrpc;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods the gateway forwards, as it sees them: raw-bytes descriptors with the generated ones'
 * names, types and schema (so reflection still describes them), plus how to find the model in each.
 * Methods absent from here are UNIMPLEMENTED at the gateway, which bounds what callers can make it
 * allocate.
 */
final class MethodCatalog {
  private MethodCatalog() {}

  /** The generated service descriptors of the public API, whose methods the gateway serves. */
  static List<ServiceDescriptor> services() {
    return List.of(
        GRPCInferenceServiceGrpc.getServiceDescriptor(),
        PredictionServiceGrpc.getServiceDescriptor(),
        ModelServiceGrpc.getServiceDescriptor());
  }

  /**
   * Every method of {@code services} by full name, as raw descriptors. Methods of services outside
   * the public API are routed as OIP calls are: by the model name in field 1 of their first request
   * message. Reading a request's model walks at most {@code maxPeekedFields} fields.
   */
  static Map<String, ForwardedMethod> methods(
      List<ServiceDescriptor> services, int maxPeekedFields) {
    Map<String, ForwardedMethod> methods = new LinkedHashMap<>();
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        methods.put(method.getFullMethodName(), forwarded(method, maxPeekedFields));
      }
    }
    return methods;
  }

  private static ForwardedMethod forwarded(MethodDescriptor<?, ?> generated, int maxPeekedFields) {
    String name = generated.getFullMethodName();
    MethodDescriptor<byte[], byte[]> raw = RawMarshaller.of(generated);
    BodyFormat request;
    ResponseVersion response = ResponseVersion.NONE;
    AnswerTensor answers = AnswerTensor.NONE;
    if (name.equals(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())) {
      request = BodyFormat.OIP;
      response = ResponseVersion.OIP_MODEL_VERSION;
      answers = AnswerTensor.OIP_INFER;
    } else if (name.startsWith(GRPCInferenceServiceGrpc.SERVICE_NAME + "/Model")) {
      request = BodyFormat.OIP;
    } else if (name.startsWith(GRPCInferenceServiceGrpc.SERVICE_NAME + "/")) {
      request = BodyFormat.NONE;
    } else if (name.equals(PredictionServiceGrpc.getPredictMethod().getFullMethodName())) {
      request = BodyFormat.TF_SERVING;
      response = ResponseVersion.TF_SPEC_FIELD_2;
      answers = AnswerTensor.TF_PREDICT;
    } else if (name.equals(PredictionServiceGrpc.getGetModelMetadataMethod().getFullMethodName())) {
      request = BodyFormat.TF_SERVING;
      response = ResponseVersion.TF_SPEC_FIELD_1;
    } else if (name.startsWith(PredictionServiceGrpc.SERVICE_NAME + "/")
        || name.startsWith(ModelServiceGrpc.SERVICE_NAME + "/")) {
      request = BodyFormat.TF_SERVING;
    } else {
      request = BodyFormat.OIP;
    }
    return ForwardedMethod.of(raw, request, maxPeekedFields, response, answers);
  }
}
