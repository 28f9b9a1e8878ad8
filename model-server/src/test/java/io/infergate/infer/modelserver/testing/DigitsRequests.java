package io.infergate.infer.modelserver.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferInputTensor;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntToLongFunction;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** Requests for the {@code digits} model built from held-out rows, in each API's encodings. */
public final class DigitsRequests {
  private DigitsRequests() {}

  /** The held-out validation split every accuracy figure is measured on. */
  public static DigitsDataset validation() {
    return DigitsDataset.load().split().validation();
  }

  /** OIP, typed {@code fp32_contents}; version "" asks for the newest. */
  public static ModelInferRequest.Builder oipTyped(DigitsDataset rows, String version) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float pixel : rows.flatPixels()) {
      contents.addFp32Contents(pixel);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("digits")
        .setModelVersion(version)
        .addInputs(pixels(rows.size()).setContents(contents));
  }

  /** OIP, {@code raw_input_contents} (little-endian FP32). */
  public static ModelInferRequest.Builder oipRaw(DigitsDataset rows, String version) {
    return ModelInferRequest.newBuilder()
        .setModelName("digits")
        .setModelVersion(version)
        .addInputs(pixels(rows.size()))
        .addRawInputContents(littleEndian(rows.flatPixels()));
  }

  /** TF Serving Predict with {@code tensor_content}; version 0 asks for the newest. */
  public static PredictRequest.Builder predict(DigitsDataset rows, long version) {
    ModelSpec.Builder spec = ModelSpec.newBuilder().setName("digits");
    if (version > 0) {
      spec.setVersion(Int64Value.of(version));
    }
    return PredictRequest.newBuilder()
        .setModelSpec(spec)
        .putInputs(
            "pixels",
            TensorProto.newBuilder()
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(shape(rows.size(), DigitsDataset.PIXELS))
                .setTensorContent(littleEndian(rows.flatPixels()))
                .build());
  }

  /** The share of {@code rows} whose label is {@code predicted} (the class of each row). */
  public static double accuracy(DigitsDataset rows, IntToLongFunction predicted) {
    long correct = 0;
    for (int row = 0; row < rows.size(); row++) {
      if (predicted.applyAsLong(row) == rows.label(row)) {
        correct++;
      }
    }
    return (double) correct / rows.size();
  }

  public static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long dim : dims) {
      shape.addDimBuilder().setSize(dim);
    }
    return shape.build();
  }

  public static ByteString littleEndian(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      bytes.putFloat(value);
    }
    return ByteString.copyFrom(bytes.flip());
  }

  private static InferInputTensor.Builder pixels(int rows) {
    return InferInputTensor.newBuilder()
        .setName("pixels")
        .setDatatype("FP32")
        .addShape(rows)
        .addShape(DigitsDataset.PIXELS);
  }
}
