package io.infergate.infer.perf.gateway;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.infergate.infer.perf.kit.RawMethods;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Real gRPC calls beside the load: h2load judges success by the HTTP status alone, so each target
 * is checked with grpc-java's generated stub (the grpc-status and the answer), and the fixed
 * backend is asked how many calls it served.
 */
final class Probes {
  private Probes() {}

  /**
   * Sends {@code request} to {@code address} with the generated stub and returns the answer.
   *
   * @throws io.grpc.StatusRuntimeException if the call does not end OK
   */
  static ModelInferResponse infer(String address, ModelInferRequest request)
      throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      return GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .modelInfer(request);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Checks one call through {@code address}: OK, digits v2, the expected class. */
  static String check(String address, ModelInferRequest request, long expectedClass)
      throws InterruptedException {
    ModelInferResponse response = infer(address, request);
    long predicted = DigitsMessages.predictedClass(response);
    if (!response.getModelName().equals(DigitsMessages.MODEL)
        || !response.getModelVersion().equals(DigitsMessages.VERSION)
        || predicted != expectedClass) {
      throw new IllegalStateException(
          "unexpected answer through "
              + address
              + ": model "
              + response.getModelName()
              + " v"
              + response.getModelVersion()
              + ", class "
              + predicted
              + " (expected: digits v2, class "
              + expectedClass
              + ")");
    }
    return "OK, digits v" + response.getModelVersion() + ", class " + predicted;
  }

  /** The fixed backend's count of ModelInfer calls served. */
  static long callsServed(ManagedChannel backend) {
    byte[] answer =
        ClientCalls.blockingUnaryCall(
            backend,
            RawMethods.CALLS_SERVED,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            new byte[0]);
    return ByteBuffer.wrap(answer).getLong();
  }
}
