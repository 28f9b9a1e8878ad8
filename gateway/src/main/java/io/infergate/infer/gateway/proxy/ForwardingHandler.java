package io.infergate.infer.gateway.proxy;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;

/**
 * Starts a {@link ForwardingCall} for one method; the call is routed on its first message.
 *
 * @param method the method this handler forwards, as the registry knows it
 * @param routes the routes in force, read when each call's first message arrives
 */
record ForwardingHandler(ForwardedMethod method, LiveRoutes routes)
    implements ServerCallHandler<byte[], byte[]> {
  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    ForwardingCall forwarding = new ForwardingCall(method, routes, call, headers);
    call.request(1);
    return forwarding;
  }
}
