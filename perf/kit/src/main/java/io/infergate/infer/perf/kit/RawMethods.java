package io.infergate.infer.perf.kit;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Method descriptors over raw bytes, so the load side and the fixed backend spend nothing on
 * protobuf per call and the CPU that remains is the transport's and the proxy's.
 */
public final class RawMethods {
  /** {@code inference.GRPCInferenceService/ModelInfer}. */
  public static final MethodDescriptor<byte[], byte[]> MODEL_INFER =
      unary(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName());

  /** The fixed backend's own counter: answers the calls it has served, 8 bytes big-endian. */
  public static final MethodDescriptor<byte[], byte[]> CALLS_SERVED =
      unary("perf.FixedBackend/CallsServed");

  private RawMethods() {}

  public static MethodDescriptor<byte[], byte[]> unary(String fullName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(Bytes.INSTANCE)
        .setResponseMarshaller(Bytes.INSTANCE)
        .build();
  }

  /**
   * Bytes that grpc-java's framer can size up front ({@link KnownLength}) and write in one call
   * ({@link Drainable}); a plain {@code ByteArrayInputStream} costs an 8 KiB copy buffer per
   * message.
   */
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

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new DrainableBytes(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        // grpc-java hands over a KnownLength stream: read exactly that, rather than through
        // readAllBytes()'s 8 KiB buffer and final copy.
        if (stream instanceof KnownLength) {
          return stream.readNBytes(stream.available());
        }
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
