package io.infergate.infer.perf.loadtest;

import io.grpc.MethodDescriptor;
import io.infergate.infer.observability.transport.RawMarshaller;
import java.io.InputStream;

/**
 * The method under load with pre-encoded request bytes and answers left unread: the harness needs
 * only each call's status and headers, so it does no per-call protobuf work and copies no answer
 * out of the transport's buffers (grpc-java releases them once the listener has seen the message).
 */
final class PreEncodedMethod {
  private static final byte[] UNREAD = new byte[0];

  private PreEncodedMethod() {}

  static MethodDescriptor<byte[], byte[]> unary(String fullMethodName) {
    return RawMarshaller.unary(fullMethodName).toBuilder(
            RawMarshaller.INSTANCE, UnreadAnswers.INSTANCE)
        .build();
  }

  /** The same for a streaming method ({@code type} other than unary). */
  static MethodDescriptor<byte[], byte[]> of(
      String fullMethodName, MethodDescriptor.MethodType type) {
    return unary(fullMethodName).toBuilder().setType(type).build();
  }

  private enum UnreadAnswers implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      throw new UnsupportedOperationException("the harness never sends an answer");
    }

    @Override
    public byte[] parse(InputStream stream) {
      return UNREAD;
    }
  }
}
