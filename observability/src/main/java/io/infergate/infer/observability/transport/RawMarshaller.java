package io.infergate.infer.observability.transport;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Messages as the bytes on the wire: the gateway forwards them without parsing. Each message is
 * copied exactly once in and once out: grpc-java hands over {@link KnownLength} streams, which are
 * read into one array of the right size, and gets back a {@link Drainable} stream it writes in one
 * call (a plain stream would cost an 8 KiB buffer and an extra copy per message on each side —
 * measured at ~45 KB of garbage per forwarded call before this). The gateway forwards with it; the
 * load-test harness sends pre-encoded requests with it, and the benchmarks' fixed backend answers
 * with it.
 */
public final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  /** The only instance; it holds no state. */
  public static final RawMarshaller INSTANCE = new RawMarshaller();

  private RawMarshaller() {}

  /** {@code method} with byte-array messages, keeping its name, type and schema. */
  public static MethodDescriptor<byte[], byte[]> of(MethodDescriptor<?, ?> method) {
    return method.toBuilder(INSTANCE, INSTANCE).build();
  }

  /** A unary method named {@code fullMethodName} ({@code package.Service/Method}) over bytes. */
  public static MethodDescriptor<byte[], byte[]> unary(String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }

  @Override
  public InputStream stream(byte[] value) {
    return new DrainableBytes(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      if (stream instanceof KnownLength) {
        byte[] bytes = new byte[stream.available()];
        int read = stream.readNBytes(bytes, 0, bytes.length);
        if (read == bytes.length && stream.read() == -1) {
          return bytes;
        }
        throw new IOException(
            "message shorter or longer than its announced " + bytes.length + " bytes");
      }
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read message", e);
    }
  }

  /** A byte array that grpc-java's framer can size up front and write in one call. */
  private static final class DrainableBytes extends ByteArrayInputStream
      implements Drainable, KnownLength {
    DrainableBytes(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int length = count - pos;
      target.write(buf, pos, length);
      pos = count;
      return length;
    }
  }
}
