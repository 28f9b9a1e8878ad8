package io.infergate.infer.gateway.proxy;

import io.grpc.MethodDescriptor;
import io.infergate.infer.observability.telemetry.RpcSpans;
import io.opentelemetry.api.common.Attributes;
import java.io.IOException;

/**
 * One method the gateway forwards: its byte-level descriptor (built once, at start-up), where its
 * request names the model and how many fields reading it may walk, where its response names the
 * version that served, where its answer holds the scores a shadow's are compared with, which sides
 * stream (only streaming sides need flow control beyond the first message), and the RPC attributes
 * of its spans ({@code rpc.system}, {@code rpc.service}, {@code rpc.method}), made once too.
 */
record ForwardedMethod(
    MethodDescriptor<byte[], byte[]> descriptor,
    BodyFormat request,
    int maxPeekedFields,
    ResponseVersion response,
    AnswerTensor answers,
    boolean clientStreams,
    boolean serverStreams,
    Attributes rpcAttributes) {

  static ForwardedMethod of(
      MethodDescriptor<byte[], byte[]> descriptor,
      BodyFormat request,
      int maxPeekedFields,
      ResponseVersion response,
      AnswerTensor answers) {
    MethodDescriptor.MethodType type = descriptor.getType();
    return new ForwardedMethod(
        descriptor,
        request,
        maxPeekedFields,
        response,
        answers,
        !type.clientSendsOneMessage(),
        !type.serverSendsOneMessage(),
        RpcSpans.methodAttributes(descriptor.getFullMethodName()));
  }

  /** The span name: {@code <rpc.service>/<rpc.method>}, which is gRPC's full method name. */
  String spanName() {
    return descriptor.getFullMethodName();
  }

  /** The model {@code body} names, read within this method's bound; see {@link BodyFormat}. */
  ModelRef model(byte[] body) throws IOException {
    return request.read(body, maxPeekedFields);
  }
}
