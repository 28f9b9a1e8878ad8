package io.infergate.infer.gateway.proxy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.tfserving.PredictResponse;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;

/**
 * Where a method's answer holds its scores, which a shadow's answer is compared with and a canary's
 * counted by (their top-1 class and score): the first FP32 output of an OIP ModelInfer answer (its
 * {@code raw_output_contents} entry, or its typed {@code fp32_contents}), or the first {@code
 * DT_FLOAT} output by name of a TF Serving Predict answer ({@code tensor_content} or {@code
 * float_val}). The last dimension is the classes, the ones before it the rows.
 *
 * <p>Answers are parsed in full, which the hot path never does: this runs on the decoder's worker
 * ({@link AnswerDecoder}), only for calls whose shadow copy was sent or whose route watches canary
 * drift.
 */
enum AnswerTensor {
  /** A method whose answers are not compared. */
  NONE,
  OIP_INFER,
  TF_PREDICT;

  /** The scores in {@code answer}, or null when it has none this can compare. */
  Scores read(byte[] answer) {
    try {
      return switch (this) {
        case NONE -> null;
        case OIP_INFER -> oip(ModelInferResponse.parseFrom(answer));
        case TF_PREDICT -> tfServing(PredictResponse.parseFrom(answer));
      };
    } catch (InvalidProtocolBufferException malformed) {
      // The caller got the bytes as they came; only the comparison is given up.
      return null;
    }
  }

  private static Scores oip(ModelInferResponse answer) {
    for (int i = 0; i < answer.getOutputsCount(); i++) {
      ModelInferResponse.InferOutputTensor output = answer.getOutputs(i);
      if (!output.getDatatype().equals("FP32") || output.getShapeCount() == 0) {
        continue;
      }
      int classes = (int) output.getShape(output.getShapeCount() - 1);
      if (answer.getRawOutputContentsCount() > 0) {
        return i < answer.getRawOutputContentsCount()
            ? Scores.of(littleEndian(answer.getRawOutputContents(i)), classes)
            : null;
      }
      InferTensorContents contents = output.getContents();
      float[] values = new float[contents.getFp32ContentsCount()];
      for (int j = 0; j < values.length; j++) {
        values[j] = contents.getFp32Contents(j);
      }
      return Scores.of(values, classes);
    }
    return null;
  }

  private static Scores tfServing(PredictResponse answer) {
    // A proto map has no order on the wire: the first float output by name, so both answers of a
    // pair are read alike.
    for (Map.Entry<String, TensorProto> entry : new TreeMap<>(answer.getOutputsMap()).entrySet()) {
      TensorProto tensor = entry.getValue();
      int dims = tensor.getTensorShape().getDimCount();
      if (tensor.getDtype() != DataType.DT_FLOAT || dims == 0) {
        continue;
      }
      int classes = (int) tensor.getTensorShape().getDim(dims - 1).getSize();
      if (!tensor.getTensorContent().isEmpty()) {
        return Scores.of(littleEndian(tensor.getTensorContent()), classes);
      }
      float[] values = new float[tensor.getFloatValCount()];
      for (int j = 0; j < values.length; j++) {
        values[j] = tensor.getFloatVal(j);
      }
      return Scores.of(values, classes);
    }
    return null;
  }

  private static float[] littleEndian(ByteString bytes) {
    if (bytes.size() % Float.BYTES != 0) {
      return new float[0]; // not FP32 after all: Scores.of refuses an empty tensor
    }
    FloatBuffer floats =
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] values = new float[floats.remaining()];
    floats.get(values);
    return values;
  }

  /** One answer's scores: {@code values.length / classes} rows of {@code classes} each. */
  record Scores(float[] values, int classes) {
    /** The scores, or null when {@code values} are not whole rows of {@code classes}. */
    static Scores of(float[] values, int classes) {
      return classes > 0 && values.length > 0 && values.length % classes == 0
          ? new Scores(values, classes)
          : null;
    }

    int rows() {
      return values.length / classes;
    }

    /** Whether {@code other} has the same rows and classes, so the two can be compared. */
    boolean matches(Scores other) {
      return classes == other.classes && values.length == other.values.length;
    }

    /** The index of row {@code row}'s highest score (the first, on a tie). */
    int top1(int row) {
      int start = row * classes;
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (values[start + c] > values[start + best]) {
          best = c;
        }
      }
      return best;
    }

    /** The mean absolute difference of row {@code row}'s scores and {@code other}'s. */
    double meanAbsDiff(Scores other, int row) {
      int start = row * classes;
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.abs(values[start + c] - other.values[start + c]);
      }
      return sum / classes;
    }
  }
}
