package io.infergate.infer.modelserver.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.Shapes;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferInputTensor;
import io.infergate.infer.proto.oip.v2.ModelInferResponse.InferOutputTensor;
import java.util.List;

/**
 * Open Inference Protocol tensors to and from {@link HostTensor}s, checking every input against the
 * model signature first. Error texts follow Triton's wording, so existing clients' error handling
 * and people who know Triton recognise them.
 */
final class OipTensors {
  /** Which {@code InferTensorContents} field holds each element type. */
  static final TypedFields<InferTensorContents, InferTensorContents.Builder> CONTENTS =
      new TypedFields<>() {
        @Override
        int count(InferTensorContents contents, ElementType type) {
          return switch (type) {
            case FP32 -> contents.getFp32ContentsCount();
            case FP64 -> contents.getFp64ContentsCount();
            case INT32 -> contents.getIntContentsCount();
            case INT64 -> contents.getInt64ContentsCount();
            case UINT8 -> contents.getUintContentsCount();
            case BOOL -> contents.getBoolContentsCount();
          };
        }

        @Override
        String field(ElementType type) {
          return switch (type) {
            case FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            case INT32 -> "int_contents";
            case INT64 -> "int64_contents";
            case UINT8 -> "uint_contents";
            case BOOL -> "bool_contents";
          };
        }

        @Override
        double real(InferTensorContents contents, ElementType type, int index) {
          return type == ElementType.FP32
              ? contents.getFp32Contents(index)
              : contents.getFp64Contents(index);
        }

        @Override
        long integer(InferTensorContents contents, ElementType type, int index) {
          return switch (type) {
            case INT32 -> contents.getIntContents(index);
            case INT64 -> contents.getInt64Contents(index);
            case UINT8 -> Integer.toUnsignedLong(contents.getUintContents(index));
            default -> contents.getBoolContents(index) ? 1 : 0;
          };
        }

        @Override
        void addReal(InferTensorContents.Builder contents, ElementType type, double value) {
          if (type == ElementType.FP32) {
            contents.addFp32Contents((float) value);
          } else {
            contents.addFp64Contents(value);
          }
        }

        @Override
        void addInteger(InferTensorContents.Builder contents, ElementType type, long value) {
          switch (type) {
            case INT32 -> contents.addIntContents((int) value);
            case INT64 -> contents.addInt64Contents(value);
            case UINT8 -> contents.addUintContents((int) value);
            default -> contents.addBoolContents(value != 0);
          }
        }
      };

  private OipTensors() {}

  /**
   * Checks the request's inputs against {@code specs} and returns one tensor per spec, in spec
   * order.
   *
   * @throws InferenceException BAD_INPUT naming the input and what was expected
   */
  static HostTensor[] decodeInputs(
      ModelInferRequest request, String model, List<TensorSpec> specs) {
    int given = request.getInputsCount();
    boolean raw = request.getRawInputContentsCount() > 0;
    if (raw && request.getRawInputContentsCount() != given) {
      throw InferenceException.badInput(
          "raw_input_contents has "
              + request.getRawInputContentsCount()
              + " entries but the request has "
              + given
              + " inputs; expected one entry per input, in the order of inputs");
    }
    HostTensor[] feeds = new HostTensor[specs.size()];
    for (int i = 0; i < given; i++) {
      InferInputTensor input = request.getInputs(i);
      int index = TensorSpec.indexOf(specs, input.getName());
      if (index < 0) {
        throw InferenceException.badInput(
            "unexpected inference input '"
                + input.getName()
                + "' for model '"
                + model
                + "'; expected inputs: "
                + TensorSpec.names(specs));
      }
      if (feeds[index] != null) {
        throw InferenceException.badInput(
            "input '" + input.getName() + "' is given more than once");
      }
      TensorSpec spec = specs.get(index);
      long[] shape = checkTypeAndShape(input, model, spec);
      if (raw && input.hasContents()) {
        throw InferenceException.badInput(
            "input '"
                + input.getName()
                + "' has contents while raw_input_contents is used; the two cannot be mixed");
      }
      feeds[index] =
          raw
              ? fromRaw(input, shape, model, spec, request.getRawInputContents(i))
              : fromContents(input, shape, spec);
    }
    if (given != specs.size()) {
      throw InferenceException.badInput(
          "expected "
              + specs.size()
              + " inputs but got "
              + given
              + " inputs for model '"
              + model
              + "'; missing: "
              + missing(specs, feeds));
    }
    return feeds;
  }

  /**
   * Indexes into {@code outputs} of the requested outputs, or all outputs when none is requested.
   */
  static int[] requestedOutputs(ModelInferRequest request, String model, List<TensorSpec> outputs) {
    if (request.getOutputsCount() == 0) {
      return TensorSpec.all(outputs);
    }
    return Outputs.select(
        outputs,
        request.getOutputsCount(),
        i -> request.getOutputs(i).getName(),
        name ->
            "unexpected inference output '"
                + name
                + "' for model '"
                + model
                + "'; outputs: "
                + TensorSpec.names(outputs),
        name -> "output '" + name + "' is requested more than once");
  }

  /** The output's header (name, datatype, shape) without data. */
  static InferOutputTensor.Builder outputHeader(String name, HostTensor tensor) {
    InferOutputTensor.Builder output =
        InferOutputTensor.newBuilder().setName(name).setDatatype(tensor.type().protocolName());
    for (long dim : tensor.shape()) {
      output.addShape(dim);
    }
    return output;
  }

  /** Little-endian raw bytes, shared with the tensor rather than copied. */
  static ByteString rawContents(HostTensor tensor) {
    return UnsafeByteOperations.unsafeWrap(tensor.data().duplicate());
  }

  /** The typed contents field that matches the tensor's element type. */
  static InferTensorContents typedContents(HostTensor tensor) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    CONTENTS.encode(tensor, contents);
    return contents.build();
  }

  private static long[] checkTypeAndShape(InferInputTensor input, String model, TensorSpec spec) {
    ElementType type = ElementType.fromProtocolName(input.getDatatype());
    if (type == null) {
      throw InferenceException.badInput(
          "input '"
              + input.getName()
              + "': datatype '"
              + input.getDatatype()
              + "' is not one this server serves (BOOL, UINT8, INT32, INT64, FP32, FP64)");
    }
    if (type != spec.type()) {
      throw InferenceException.badInput(
          "inference input '"
              + input.getName()
              + "' data-type is '"
              + input.getDatatype()
              + "', but model '"
              + model
              + "' expects '"
              + spec.type().protocolName()
              + "'");
    }
    long[] shape = shapeOf(input);
    if (!spec.accepts(shape) || Shapes.byteSize(shape, type) < 0) {
      throw InferenceException.badInput(
          "unexpected shape for input '"
              + input.getName()
              + "' for model '"
              + model
              + "'. Expected "
              + spec.shapeText()
              + ", got "
              + Shapes.text(shape));
    }
    return shape;
  }

  private static HostTensor fromRaw(
      InferInputTensor input, long[] shape, String model, TensorSpec spec, ByteString bytes) {
    int expected = Shapes.byteSize(shape, spec.type());
    if (bytes.size() != expected) {
      throw InferenceException.badInput(
          "input byte size mismatch for input '"
              + input.getName()
              + "' for model '"
              + model
              + "'. Expected "
              + expected
              + ", got "
              + bytes.size());
    }
    return new HostTensor(spec.type(), shape, bytes.asReadOnlyByteBuffer());
  }

  private static HostTensor fromContents(InferInputTensor input, long[] shape, TensorSpec spec) {
    int count = (int) Shapes.elementCount(shape);
    InferTensorContents contents = input.getContents();
    int given = CONTENTS.count(contents, spec.type());
    if (given != count) {
      throw InferenceException.badInput(
          "input '"
              + input.getName()
              + "': shape "
              + Shapes.text(shape)
              + " needs "
              + count
              + " "
              + spec.type()
              + " elements in contents."
              + CONTENTS.field(spec.type())
              + ", got "
              + given
              + (given == 0 && contents.getSerializedSize() > 0
                  ? " (data is in another contents field)"
                  : ""));
    }
    return CONTENTS.decode(contents, spec.type(), shape, count, input.getName());
  }

  private static long[] shapeOf(InferInputTensor input) {
    long[] shape = new long[input.getShapeCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = input.getShape(i);
    }
    return shape;
  }

  private static String missing(List<TensorSpec> specs, HostTensor[] feeds) {
    StringBuilder missing = new StringBuilder("[");
    for (int i = 0; i < feeds.length; i++) {
      if (feeds[i] == null) {
        missing.append(missing.length() > 1 ? ", " : "").append(specs.get(i).name());
      }
    }
    return missing.append(']').toString();
  }
}
