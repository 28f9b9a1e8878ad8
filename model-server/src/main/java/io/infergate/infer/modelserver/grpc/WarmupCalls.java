package io.infergate.infer.modelserver.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.MethodDescriptor;
import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.Shapes;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.backend.TfRecords;
import io.infergate.infer.modelserver.repository.ServedModel;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictionLog;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The calls a model server warms its request path with, made from what it serves: for every
 * available version of every model and every batch size its batcher runs, an OIP {@code ModelInfer}
 * with raw inputs, one with typed inputs and a TF Serving {@code Predict}, all of zeros of the
 * signature's types and shapes; then the version's recorded TF Serving warm-up requests ({@value
 * TfServingWarmupFile#PATH}), sent as recorded. Each names its version, so that every version's
 * batcher and session run through the wire too.
 */
public final class WarmupCalls {
  private static final Logger log = LoggerFactory.getLogger(WarmupCalls.class);

  private static final MethodDescriptor<byte[], byte[]> MODEL_INFER =
      RawMarshaller.of(GRPCInferenceServiceGrpc.getModelInferMethod());
  private static final MethodDescriptor<byte[], byte[]> PREDICT =
      RawMarshaller.of(PredictionServiceGrpc.getPredictMethod());

  private WarmupCalls() {}

  /**
   * @param root the repository root, where recorded requests are read from ({@code
   *     <root>/<model>/<version>/assets.extra/...})
   * @param batchedSizes the rows per call of a batched version (those its batcher runs); an
   *     unbatched one gets calls of one row
   */
  public static List<Warmup.Call> of(
      Path root, Collection<ServedModel> models, List<Integer> batchedSizes) {
    List<Warmup.Call> calls = new ArrayList<>();
    for (ServedModel model : models) {
      for (ServedVersion version : model.versions().values()) {
        List<TensorSpec> inputs = version.loaded().inputs();
        List<Integer> sizes = version.batcher() == null ? List.of(1) : batchedSizes;
        for (int rows : sizes) {
          calls.add(oip(model.name(), version.number(), inputs, rows, true));
          calls.add(oip(model.name(), version.number(), inputs, rows, false));
          calls.add(predict(model.name(), version.number(), inputs, rows));
        }
        calls.addAll(recorded(root, model.name(), version.number()));
      }
    }
    return calls;
  }

  private static Warmup.Call oip(
      String model, long version, List<TensorSpec> inputs, int rows, boolean raw) {
    ModelInferRequest.Builder request =
        ModelInferRequest.newBuilder()
            .setModelName(model)
            .setModelVersion(Long.toString(version))
            .setId("warmup");
    for (TensorSpec spec : inputs) {
      long[] shape = shape(spec, rows);
      ModelInferRequest.InferInputTensor.Builder input =
          ModelInferRequest.InferInputTensor.newBuilder()
              .setName(spec.name())
              .setDatatype(spec.type().protocolName());
      for (long dimension : shape) {
        input.addShape(dimension);
      }
      int elements = Math.toIntExact(Shapes.elementCount(shape));
      if (raw) {
        request.addRawInputContents(zeros(spec.type(), elements));
      } else {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (int i = 0; i < elements; i++) {
          if (spec.type() == ElementType.FP32 || spec.type() == ElementType.FP64) {
            OipTensors.CONTENTS.addReal(contents, spec.type(), 0);
          } else {
            OipTensors.CONTENTS.addInteger(contents, spec.type(), 0);
          }
        }
        input.setContents(contents);
      }
      request.addInputs(input);
    }
    return new Warmup.Call(MODEL_INFER, request.build().toByteArray());
  }

  private static Warmup.Call predict(
      String model, long version, List<TensorSpec> inputs, int rows) {
    PredictRequest.Builder request = PredictRequest.newBuilder().setModelSpec(spec(model, version));
    for (TensorSpec spec : inputs) {
      long[] shape = shape(spec, rows);
      TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
      for (long dimension : shape) {
        dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(dimension));
      }
      request.putInputs(
          spec.name(),
          TensorProto.newBuilder()
              .setDtype(spec.type().dataType())
              .setTensorShape(dims)
              .setTensorContent(zeros(spec.type(), Math.toIntExact(Shapes.elementCount(shape))))
              .build());
    }
    return new Warmup.Call(PREDICT, request.build().toByteArray());
  }

  /**
   * The version's TF Serving warm-up records as Predict calls naming the version; none if absent.
   */
  private static List<Warmup.Call> recorded(Path root, String model, long version) {
    Path file =
        root.resolve(model).resolve(Long.toString(version)).resolve(TfServingWarmupFile.PATH);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<Warmup.Call> calls = new ArrayList<>();
    try {
      for (byte[] record : TfRecords.read(file, TfServingWarmupFile.MAX_RECORDS)) {
        PredictionLog logged = PredictionLog.parseFrom(record);
        if (logged.hasPredictLog()) {
          PredictRequest request =
              logged.getPredictLog().getRequest().toBuilder()
                  .setModelSpec(spec(model, version))
                  .build();
          calls.add(new Warmup.Call(PREDICT, request.toByteArray()));
        }
      }
    } catch (IOException e) {
      // The load replayed this file already; one that cannot be read now only warms less.
      log.warn("Warm-up over gRPC skips the recorded requests of {}: {}", file, e.toString());
    }
    return calls;
  }

  private static ModelSpec spec(String model, long version) {
    return ModelSpec.newBuilder().setName(model).setVersion(Int64Value.of(version)).build();
  }

  /** {@code spec}'s shape: {@code rows} for a variable first dimension, 1 elsewhere. */
  private static long[] shape(TensorSpec spec, int rows) {
    long[] shape = spec.shape().clone();
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == -1) {
        shape[d] = d == 0 ? rows : 1;
      }
    }
    return shape;
  }

  private static ByteString zeros(ElementType type, int elements) {
    return ByteString.copyFrom(new byte[elements * type.byteSize()]);
  }
}
