package io.infergate.infer.perf.loadtest;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Sends pre-encoded request bytes; responses are not copied out of the transport's buffers (the
 * harness only needs the status and headers), so no per-call protobuf or copying work is done.
 */
final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  static final RawMarshaller INSTANCE = new RawMarshaller();
  private static final byte[] IGNORED = new byte[0];

  static MethodDescriptor<byte[], byte[]> unary(String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }

  @Override
  public InputStream stream(byte[] value) {
    return new BytesStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    return IGNORED; // grpc-java closes the stream, releasing its buffers, after onMessage
  }

  /**
   * Known length and drainable, so grpc-java's framer writes the bytes in one go instead of copying
   * them through an intermediate buffer chain.
   */
  private static final class BytesStream extends ByteArrayInputStream
      implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
