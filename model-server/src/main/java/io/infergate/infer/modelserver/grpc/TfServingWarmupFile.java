package io.infergate.infer.modelserver.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.ModelLoadException;
import io.infergate.infer.modelserver.backend.TfRecords;
import io.infergate.infer.modelserver.repository.WarmupRequests;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TF Serving's warm-up file: {@code <version>/assets.extra/tf_serving_warmup_requests}, a TFRecord
 * file of {@code PredictionLog}s whose Predict requests are replayed before the version is served.
 * Files made for TF Serving work unchanged; a record that is not a Predict request, or does not fit
 * the signature, fails the load as it would in TF Serving.
 */
public final class TfServingWarmupFile implements WarmupRequests {
  /** Where TF Serving looks for it, relative to the version directory. */
  public static final String PATH = "assets.extra/tf_serving_warmup_requests";

  /** TF Serving's limit on warm-up records. */
  public static final int MAX_RECORDS = 1000;

  @Override
  public List<HostTensor[]> read(Path versionDir, LoadedModel model) {
    Path file = versionDir.resolve(PATH);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<byte[]> records;
    try {
      records = TfRecords.read(file, MAX_RECORDS);
    } catch (IOException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    }
    List<HostTensor[]> requests = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      requests.add(feeds(file, i, records.get(i), model));
    }
    return requests;
  }

  private static HostTensor[] feeds(Path file, int index, byte[] record, LoadedModel model) {
    String where = file + ": record " + index + ": ";
    PredictionLog log;
    try {
      log = PredictionLog.parseFrom(record);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(where + "not a PredictionLog: " + e.getMessage(), e);
    }
    if (!log.hasPredictLog()) {
      throw new ModelLoadException(where + "not a Predict request (the only kind replayed)");
    }
    PredictRequest request = log.getPredictLog().getRequest();
    try {
      return TfTensors.decodeInputs(request.getInputsMap(), model.inputs());
    } catch (InferenceException e) {
      throw new ModelLoadException(where + e.getMessage(), e);
    }
  }
}
