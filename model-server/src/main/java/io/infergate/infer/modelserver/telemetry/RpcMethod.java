package io.infergate.infer.modelserver.telemetry;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.observability.telemetry.RpcSpans;
import io.opentelemetry.api.common.Attributes;

/**
 * One inference method as its spans name it: {@code "<rpc.service>/<rpc.method>"} and the RPC
 * attributes, built once per service rather than per call.
 *
 * @param spanName the span name: gRPC's full method name, {@code service/method}
 * @param attributes {@code rpc.system}, {@code rpc.service} and {@code rpc.method}
 * @param api the protocol, the {@code api} attribute of the call metrics
 */
public record RpcMethod(String spanName, Attributes attributes, Api api) {

  public RpcMethod {
    int slash = spanName.lastIndexOf('/');
    if (slash <= 0 || slash == spanName.length() - 1) {
      throw new IllegalArgumentException(
          "fullMethodName: " + spanName + " (expected: service/method)");
    }
    requireNonNull(attributes, "attributes");
    requireNonNull(api, "api");
  }

  /**
   * @param fullMethodName gRPC's {@code service/method}, e.g. {@code
   *     inference.GRPCInferenceService/ModelInfer}
   * @param api the {@code api} attribute of the call metrics
   */
  public RpcMethod(String fullMethodName, Api api) {
    this(fullMethodName, RpcSpans.methodAttributes(fullMethodName), api);
  }
}
