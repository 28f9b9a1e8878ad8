package io.infergate.infer.perf.gateway;

import com.google.protobuf.ByteString;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.perf.DigitsCalls;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one request every benchmark call sends, a held-out digit as raw little-endian FP32, and the
 * answer {@code digits} v2 gives to such a request (the fixed backend's answer).
 */
final class DigitsMessages {
  static final String MODEL = "digits";
  static final String VERSION = "2";

  private DigitsMessages() {}

  /** A held-out digit (row {@code row} of the validation split) for {@code digits} v2. */
  static ModelInferRequest request(int row) {
    return DigitsCalls.oneRow(DigitsDataset.load().split().validation().pixels(row), VERSION);
  }

  /** The label of held-out row {@code row}. */
  static int label(int row) {
    return DigitsDataset.load().split().validation().label(row);
  }

  /**
   * What {@code digits} v2 answers to a raw one-row request: {@code probs} FP32 [1,10] and {@code
   * classes} INT64 [1] as raw outputs, here with all the probability on {@code label}.
   */
  static ModelInferResponse response(int label) {
    ByteBuffer probs =
        ByteBuffer.allocate(DigitsDataset.CLASSES * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int digit = 0; digit < DigitsDataset.CLASSES; digit++) {
      probs.putFloat(digit == label ? 1f : 0f);
    }
    ByteBuffer classes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    classes.putLong(label);
    return ModelInferResponse.newBuilder()
        .setModelName(MODEL)
        .setModelVersion(VERSION)
        .addOutputs(
            ModelInferResponse.InferOutputTensor.newBuilder()
                .setName("probs")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(DigitsDataset.CLASSES))
        .addOutputs(
            ModelInferResponse.InferOutputTensor.newBuilder()
                .setName("classes")
                .setDatatype("INT64")
                .addShape(1))
        .addRawOutputContents(ByteString.copyFrom(probs.flip()))
        .addRawOutputContents(ByteString.copyFrom(classes.flip()))
        .build();
  }

  /** The predicted class in a raw or typed {@code classes} output, or -1 if there is none. */
  static long predictedClass(ModelInferResponse response) {
    for (int i = 0; i < response.getOutputsCount(); i++) {
      if (response.getOutputs(i).getName().equals("classes")) {
        if (i < response.getRawOutputContentsCount()) {
          return response
              .getRawOutputContents(i)
              .asReadOnlyByteBuffer()
              .order(ByteOrder.LITTLE_ENDIAN)
              .getLong();
        }
        return response.getOutputs(i).getContents().getInt64Contents(0);
      }
    }
    return -1;
  }
}
