package io.infergate.infer.perf;

import com.google.protobuf.ByteString;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The ModelInfer calls the benchmarks send: one held-out digit each, as raw little-endian FP32. */
public final class DigitsCalls {
  private DigitsCalls() {}

  /** One call per held-out digit; {@code version} empty for the newest the server serves. */
  public static ModelInferRequest[] heldOut(String version) {
    DigitsDataset validation = DigitsDataset.load().split().validation();
    ModelInferRequest[] requests = new ModelInferRequest[validation.size()];
    for (int row = 0; row < requests.length; row++) {
      requests[row] = oneRow(validation.pixels(row), version);
    }
    return requests;
  }

  /** A one-row call for {@code pixels}; {@code version} empty for the newest. */
  public static ModelInferRequest oneRow(float[] pixels, String version) {
    ByteBuffer raw =
        ByteBuffer.allocate(pixels.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float pixel : pixels) {
      raw.putFloat(pixel);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(DigitsTrainer.MODEL_NAME)
        .setModelVersion(version)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("pixels")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(DigitsDataset.PIXELS))
        .addRawInputContents(ByteString.copyFrom(raw.flip()))
        .build();
  }
}
