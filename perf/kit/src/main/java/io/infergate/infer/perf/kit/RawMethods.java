package io.infergate.infer.perf.kit;

import io.grpc.MethodDescriptor;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;

/**
 * The benchmarks' methods over raw bytes ({@link RawMarshaller}), so the load side and the fixed
 * backend spend nothing on protobuf per call and the CPU that remains is the transport's and the
 * proxy's.
 */
public final class RawMethods {
  /** {@code inference.GRPCInferenceService/ModelInfer}. */
  public static final MethodDescriptor<byte[], byte[]> MODEL_INFER =
      RawMarshaller.unary(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName());

  /** The fixed backend's own counter: answers the calls it has served, 8 bytes big-endian. */
  public static final MethodDescriptor<byte[], byte[]> CALLS_SERVED =
      RawMarshaller.unary("perf.FixedBackend/CallsServed");

  private RawMethods() {}
}
