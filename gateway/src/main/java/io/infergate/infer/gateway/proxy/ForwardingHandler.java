package io.infergate.infer.gateway.proxy;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;

/** Starts a {@link ForwardingCall} for one method; the call is routed on its first message. */
final class ForwardingHandler implements ServerCallHandler<byte[], byte[]> {
  private final ForwardedMethod method;
  private final LiveRoutes routes;

  ForwardingHandler(ForwardedMethod method, LiveRoutes routes) {
    this.method = method;
    this.routes = routes;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    ForwardingCall forwarding = new ForwardingCall(method, routes, call, headers);
    call.request(1);
    return forwarding;
  }
}
