package io.infergate.infer.gateway.proxy;

import io.grpc.MethodDescriptor;

/**
 * One method the gateway forwards: its byte-level descriptor (built once, at start-up), where its
 * request names the model, where its response names the version that served, and which sides stream
 * (only streaming sides need flow control beyond the first message).
 */
record ForwardedMethod(
    MethodDescriptor<byte[], byte[]> descriptor,
    BodyFormat request,
    ResponseVersion response,
    boolean clientStreams,
    boolean serverStreams) {

  static ForwardedMethod of(
      MethodDescriptor<byte[], byte[]> descriptor, BodyFormat request, ResponseVersion response) {
    MethodDescriptor.MethodType type = descriptor.getType();
    return new ForwardedMethod(
        descriptor,
        request,
        response,
        !type.clientSendsOneMessage(),
        !type.serverSendsOneMessage());
  }
}
