package io.infergate.infer.gateway.proxy;

import io.grpc.MethodDescriptor;
import java.io.IOException;

/**
 * One method the gateway forwards: its byte-level descriptor (built once, at start-up), where its
 * request names the model and how many fields reading it may walk, where its response names the
 * version that served, and which sides stream (only streaming sides need flow control beyond the
 * first message).
 */
record ForwardedMethod(
    MethodDescriptor<byte[], byte[]> descriptor,
    BodyFormat request,
    int maxPeekedFields,
    ResponseVersion response,
    boolean clientStreams,
    boolean serverStreams) {

  static ForwardedMethod of(
      MethodDescriptor<byte[], byte[]> descriptor,
      BodyFormat request,
      int maxPeekedFields,
      ResponseVersion response) {
    MethodDescriptor.MethodType type = descriptor.getType();
    return new ForwardedMethod(
        descriptor,
        request,
        maxPeekedFields,
        response,
        !type.clientSendsOneMessage(),
        !type.serverSendsOneMessage());
  }

  /** The model {@code body} names, read within this method's bound; see {@link BodyFormat}. */
  ModelRef model(byte[] body) throws IOException {
    return request.read(body, maxPeekedFields);
  }
}
