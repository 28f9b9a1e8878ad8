package io.infergate.infer.digits;

import com.google.protobuf.ByteString;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictLog;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Writes a digits version's TF Serving warm-up file ({@code
 * assets.extra/tf_serving_warmup_requests}): Predict requests of real held-out digits, one row and
 * eight rows, which the model server replays before serving the version.
 */
final class WarmupRecords {
  /** Relative to the version directory, where TF Serving and our server look. */
  static final String PATH = "assets.extra/tf_serving_warmup_requests";

  private WarmupRecords() {}

  /** Writes the file into {@code versionDirectory} unless it is there already. */
  static void ensureWritten(Path versionDirectory, DigitsDataset validation) throws IOException {
    Path file = versionDirectory.resolve(PATH);
    if (Files.exists(file)) {
      return;
    }
    Files.createDirectories(file.getParent());
    TfRecordWriter.write(
        file,
        List.of(
            record(validation.head(1)).toByteArray(), record(validation.head(8)).toByteArray()));
  }

  private static PredictionLog record(DigitsDataset rows) {
    float[] pixels = rows.flatPixels();
    ByteBuffer bytes = ByteBuffer.allocate(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float pixel : pixels) {
      bytes.putFloat(pixel);
    }
    TensorProto tensor =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_FLOAT)
            .setTensorShape(
                TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(rows.size()))
                    .addDim(TensorShapeProto.Dim.newBuilder().setSize(DigitsDataset.PIXELS)))
            .setTensorContent(ByteString.copyFrom(bytes.flip()))
            .build();
    PredictRequest request =
        PredictRequest.newBuilder()
            .setModelSpec(ModelSpec.newBuilder().setName(DigitsTrainer.MODEL_NAME))
            .putInputs("pixels", tensor)
            .build();
    return PredictionLog.newBuilder()
        .setPredictLog(PredictLog.newBuilder().setRequest(request))
        .build();
  }
}
