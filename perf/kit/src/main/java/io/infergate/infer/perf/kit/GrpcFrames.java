package io.infergate.infer.perf.kit;

import java.nio.ByteBuffer;

/**
 * gRPC's Length-Prefixed-Message: one compressed-flag byte (0) and a 4-byte big-endian length in
 * front of the serialized message. h2load posts bytes verbatim, so its body file must carry the
 * prefix itself.
 */
public final class GrpcFrames {
  public static final int PREFIX_BYTES = 5;

  private GrpcFrames() {}

  /** {@code message} as one uncompressed gRPC frame. */
  public static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(PREFIX_BYTES + message.length)
        .put((byte) 0)
        .putInt(message.length)
        .put(message)
        .array();
  }

  /**
   * The message inside one uncompressed frame.
   *
   * @throws IllegalArgumentException if {@code frame} is not exactly one uncompressed frame
   */
  public static byte[] unframe(byte[] frame) {
    if (frame.length < PREFIX_BYTES) {
      throw new IllegalArgumentException("frame: " + frame.length + " bytes (expected: >= 5)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(frame);
    byte flag = buffer.get();
    int length = buffer.getInt();
    if (flag != 0) {
      throw new IllegalArgumentException("compressed flag: " + flag + " (expected: 0)");
    }
    if (length != buffer.remaining()) {
      throw new IllegalArgumentException(
          "length prefix: " + length + " (expected: " + buffer.remaining() + ")");
    }
    byte[] message = new byte[length];
    buffer.get(message);
    return message;
  }
}
