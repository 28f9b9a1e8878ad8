package io.infergate.infer.modelserver.grpc;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The protocols' typed repeated fields (OIP's {@code InferTensorContents}, TF Serving's {@code
 * TensorProto}) to and from a tensor's little-endian bytes: the one loop over elements by type. A
 * protocol says only which field holds each type ({@link OipTensors#CONTENTS}, {@link
 * TfTensors#VALUES}); values cross as {@code double} (FP32, FP64) or {@code long} (the rest), which
 * holds each exactly.
 *
 * @param <M> the message read from
 * @param <B> its builder, written to
 */
abstract class TypedFields<M, B> {

  /** How many values of {@code type} {@code message} holds. */
  abstract int count(M message, ElementType type);

  /** The name of the field that holds {@code type}, for error messages. */
  abstract String field(ElementType type);

  /** Value {@code index} of an FP32 or FP64 field. */
  abstract double real(M message, ElementType type, int index);

  /** Value {@code index} of an INT32, INT64, UINT8 (unsigned) or BOOL (0 or 1) field. */
  abstract long integer(M message, ElementType type, int index);

  /** Adds an FP32 or FP64 value. */
  abstract void addReal(B builder, ElementType type, double value);

  /** Adds an INT32, INT64, UINT8 (0..255) or BOOL (0 or 1) value. */
  abstract void addInteger(B builder, ElementType type, long value);

  /**
   * The first {@code count} values of {@code type} in {@code message} as a tensor of {@code shape}.
   *
   * @throws InferenceException BAD_INPUT for a UINT8 value outside 0..255, naming {@code input}
   */
  final HostTensor decode(M message, ElementType type, long[] shape, int count, String input) {
    ByteBuffer data = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      switch (type) {
        case FP32 -> data.putFloat((float) real(message, type, i));
        case FP64 -> data.putDouble(real(message, type, i));
        case INT32 -> data.putInt((int) integer(message, type, i));
        case INT64 -> data.putLong(integer(message, type, i));
        case UINT8 -> data.put(uint8(integer(message, type, i), i, input));
        case BOOL -> data.put(integer(message, type, i) != 0 ? (byte) 1 : (byte) 0);
      }
    }
    return new HostTensor(type, shape, data.flip());
  }

  /** Adds every element of {@code tensor} to the field of its type. */
  final void encode(HostTensor tensor, B builder) {
    ElementType type = tensor.type();
    ByteBuffer data = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = (int) tensor.elementCount();
    for (int i = 0; i < count; i++) {
      switch (type) {
        case FP32 -> addReal(builder, type, data.getFloat(i * 4));
        case FP64 -> addReal(builder, type, data.getDouble(i * 8));
        case INT32 -> addInteger(builder, type, data.getInt(i * 4));
        case INT64 -> addInteger(builder, type, data.getLong(i * 8));
        case UINT8, BOOL -> addInteger(builder, type, data.get(i) & 0xff);
      }
    }
  }

  private static byte uint8(long value, int index, String input) {
    if (value < 0 || value > 255) {
      throw InferenceException.badInput(
          "input '" + input + "': UINT8 element " + index + " is " + value + ", outside 0..255");
    }
    return (byte) value;
  }
}
