package io.infergate.infer.modelserver.backend;

import org.tensorflow.proto.DataType;

/**
 * The tensor element types this server accepts and returns, named as the Open Inference Protocol
 * names them. TF Serving's {@code DataType} maps onto the same set; anything else is refused with a
 * clear status rather than converted, because silent widening would change what the model sees.
 */
public enum ElementType {
  BOOL(1, DataType.DT_BOOL),
  UINT8(1, DataType.DT_UINT8),
  INT32(4, DataType.DT_INT32),
  INT64(8, DataType.DT_INT64),
  FP32(4, DataType.DT_FLOAT),
  FP64(8, DataType.DT_DOUBLE);

  private static final ElementType[] VALUES = values();

  private final int byteSize;
  private final DataType dataType;

  ElementType(int byteSize, DataType dataType) {
    this.byteSize = byteSize;
    this.dataType = dataType;
  }

  /**
   * Bytes per element in the little-endian raw layout (OIP raw contents, TF {@code
   * tensor_content}).
   */
  public int byteSize() {
    return byteSize;
  }

  /** The OIP datatype string; same as {@link #name()}, spelled out for readers of protocol code. */
  public String protocolName() {
    return name();
  }

  /** TensorFlow's data type (the wire enum of TF Serving's {@code TensorProto}). */
  public DataType dataType() {
    return dataType;
  }

  /** Parses an OIP datatype string (case-sensitive, as the protocol says), or returns null. */
  public static ElementType fromProtocolName(String name) {
    for (ElementType type : VALUES) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    return null;
  }

  /** The element type of a TensorFlow data type, or null when this server does not serve it. */
  public static ElementType fromDataType(DataType dataType) {
    for (ElementType type : VALUES) {
      if (type.dataType == dataType) {
        return type;
      }
    }
    return null;
  }
}
