package io.infergate.infer.modelserver.grpc;

import com.google.protobuf.ByteString;
import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.Shapes;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TensorFlow {@code TensorProto}s to and from {@link HostTensor}s for TF Serving's Predict, with TF
 * Serving's checks and wording. Inputs may use {@code tensor_content} or the typed {@code *_val}
 * field; outputs use the typed fields, as TF Serving does by default.
 */
final class TfTensors {
  /** Which {@code TensorProto} field holds each element type (UINT8 shares {@code int_val}). */
  static final TypedFields<TensorProto, TensorProto.Builder> VALUES =
      new TypedFields<>() {
        @Override
        int count(TensorProto proto, ElementType type) {
          return switch (type) {
            case FP32 -> proto.getFloatValCount();
            case FP64 -> proto.getDoubleValCount();
            case INT32, UINT8 -> proto.getIntValCount();
            case INT64 -> proto.getInt64ValCount();
            case BOOL -> proto.getBoolValCount();
          };
        }

        @Override
        String field(ElementType type) {
          return switch (type) {
            case FP32 -> "float_val";
            case FP64 -> "double_val";
            case INT32, UINT8 -> "int_val";
            case INT64 -> "int64_val";
            case BOOL -> "bool_val";
          };
        }

        @Override
        double real(TensorProto proto, ElementType type, int index) {
          return type == ElementType.FP32 ? proto.getFloatVal(index) : proto.getDoubleVal(index);
        }

        @Override
        long integer(TensorProto proto, ElementType type, int index) {
          return switch (type) {
            case INT64 -> proto.getInt64Val(index);
            case BOOL -> proto.getBoolVal(index) ? 1 : 0;
            default -> proto.getIntVal(index);
          };
        }

        @Override
        void addReal(TensorProto.Builder proto, ElementType type, double value) {
          if (type == ElementType.FP32) {
            proto.addFloatVal((float) value);
          } else {
            proto.addDoubleVal(value);
          }
        }

        @Override
        void addInteger(TensorProto.Builder proto, ElementType type, long value) {
          switch (type) {
            case INT64 -> proto.addInt64Val(value);
            case BOOL -> proto.addBoolVal(value != 0);
            default -> proto.addIntVal((int) value);
          }
        }
      };

  private TfTensors() {}

  /**
   * Checks a Predict request's inputs against {@code specs} and returns one tensor per spec, in
   * spec order.
   *
   * @throws InferenceException BAD_INPUT naming the input and what was expected
   */
  static HostTensor[] decodeInputs(Map<String, TensorProto> given, List<TensorSpec> specs) {
    boolean complete = given.size() == specs.size();
    for (TensorSpec spec : specs) {
      complete &= given.containsKey(spec.name());
    }
    if (!complete) {
      TreeSet<String> extra = new TreeSet<>(given.keySet());
      TreeSet<String> missing = new TreeSet<>();
      for (TensorSpec spec : specs) {
        extra.remove(spec.name());
        if (!given.containsKey(spec.name())) {
          missing.add(spec.name());
        }
      }
      throw InferenceException.badInput(
          "input size does not match signature: "
              + given.size()
              + "!="
              + specs.size()
              + " len({"
              + String.join(",", given.keySet())
              + "}) != len({"
              + String.join(",", specs.stream().map(TensorSpec::name).toList())
              + "}). Sent extra: {"
              + String.join(",", extra)
              + "}. Missing but required: {"
              + String.join(",", missing)
              + "}.");
    }
    HostTensor[] feeds = new HostTensor[specs.size()];
    for (int i = 0; i < feeds.length; i++) {
      TensorSpec spec = specs.get(i);
      feeds[i] = decode(given.get(spec.name()), spec, i);
    }
    return feeds;
  }

  /** Indexes into {@code outputs} of the request's {@code output_filter}, or all outputs. */
  static int[] outputFilter(PredictRequest request, List<TensorSpec> outputs) {
    if (request.getOutputFilterCount() == 0) {
      return TensorSpec.all(outputs);
    }
    return Outputs.select(
        outputs,
        request.getOutputFilterCount(),
        request::getOutputFilter,
        alias -> "output tensor alias not found in signature: " + alias,
        alias -> "duplicate output tensor alias: " + alias);
  }

  /**
   * Checks {@code proto} against {@code spec} (argument {@code position} of the signature) and
   * decodes it.
   *
   * @throws InferenceException BAD_INPUT naming the input and what was expected
   */
  static HostTensor decode(TensorProto proto, TensorSpec spec, int position) {
    String alias = spec.name();
    ElementType type = ElementType.fromDataType(proto.getDtype());
    if (type != spec.type()) {
      throw InferenceException.badInput(
          "Expects arg["
              + position
              + "] ('"
              + alias
              + "') to be "
              + typeName(spec.type().dataType())
              + " but "
              + typeName(proto.getDtype())
              + " is provided");
    }
    TensorShapeProto shapeProto = proto.getTensorShape();
    long[] shape = new long[shapeProto.getDimCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeProto.getDim(i).getSize();
    }
    int byteSize = Shapes.byteSize(shape, type);
    if (shapeProto.getUnknownRank() || !spec.accepts(shape) || byteSize < 0) {
      throw InferenceException.badInput(
          "input '"
              + alias
              + "': shape "
              + (shapeProto.getUnknownRank() ? "of unknown rank" : Shapes.text(shape))
              + " does not match the signature's "
              + spec.shapeText());
    }
    if (!proto.getTensorContent().isEmpty()) {
      ByteString content = proto.getTensorContent();
      if (content.size() != byteSize) {
        throw InferenceException.badInput(
            "input '"
                + alias
                + "': tensor_content has "
                + content.size()
                + " bytes, but shape "
                + Shapes.text(shape)
                + " of "
                + typeName(proto.getDtype())
                + " needs "
                + byteSize);
      }
      return new HostTensor(type, shape, content.asReadOnlyByteBuffer());
    }
    int count = byteSize / type.byteSize();
    int given = VALUES.count(proto, type);
    if (given != count) {
      throw InferenceException.badInput(
          "input '"
              + alias
              + "': "
              + VALUES.field(type)
              + " has "
              + given
              + " values, but shape "
              + Shapes.text(shape)
              + " needs "
              + count);
    }
    return VALUES.decode(proto, type, shape, count, alias);
  }

  /** A TensorProto with the typed {@code *_val} field filled, as TF Serving answers by default. */
  static TensorProto encode(HostTensor tensor) {
    TensorProto.Builder proto = TensorProto.newBuilder().setDtype(tensor.type().dataType());
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long dim : tensor.shape()) {
      shape.addDimBuilder().setSize(dim);
    }
    proto.setTensorShape(shape);
    VALUES.encode(tensor, proto);
    return proto.build();
  }

  /**
   * TensorFlow's own short names ("float", "double", "int64"), as TF Serving's messages use them.
   */
  private static String typeName(DataType type) {
    return switch (type) {
      case DT_FLOAT -> "float";
      case DT_DOUBLE -> "double";
      case DT_INT32 -> "int32";
      case DT_INT64 -> "int64";
      case DT_UINT8 -> "uint8";
      case DT_BOOL -> "bool";
      case DT_STRING -> "string";
      case DT_HALF -> "half";
      case DT_INT8 -> "int8";
      case DT_INT16 -> "int16";
      default -> type.name();
    };
  }
}
