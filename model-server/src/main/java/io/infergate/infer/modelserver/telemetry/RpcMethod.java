package io.infergate.infer.modelserver.telemetry;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.observability.telemetry.RpcSpans;
import io.opentelemetry.api.common.Attributes;

/**
 * One inference method as its spans name it: {@code "<rpc.service>/<rpc.method>"} and the RPC
 * attributes, built once per service rather than per call.
 */
public final class RpcMethod {
  private final String spanName;
  private final Attributes attributes;
  private final Api api;

  /**
   * @param fullMethodName gRPC's {@code service/method}, e.g. {@code
   *     inference.GRPCInferenceService/ModelInfer}
   * @param api the {@code api} attribute of the call metrics
   */
  public RpcMethod(String fullMethodName, Api api) {
    int slash = fullMethodName.lastIndexOf('/');
    if (slash <= 0 || slash == fullMethodName.length() - 1) {
      throw new IllegalArgumentException(
          "fullMethodName: " + fullMethodName + " (expected: service/method)");
    }
    this.spanName = fullMethodName;
    this.attributes = RpcSpans.methodAttributes(fullMethodName);
    this.api = requireNonNull(api, "api");
  }

  /** The span name: the full method name. */
  public String spanName() {
    return spanName;
  }

  /** {@code rpc.system}, {@code rpc.service} and {@code rpc.method}. */
  public Attributes attributes() {
    return attributes;
  }

  /** The protocol, for the call metrics. */
  public Api api() {
    return api;
  }
}
