package io.infergate.infer.demo;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictRequest;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc.PredictionServiceBlockingStub;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's client: sends every held-out digit, one call each, to a model server (or anything that
 * speaks its APIs) through the generated stubs of both APIs and each model version, and prints
 * predictions against labels and the accuracy.
 */
@Command(
    name = "digits-demo-client",
    description = "Classifies the held-out UCI digits over OIP v2 and TF Serving gRPC.")
public final class DigitsDemoClient extends DigitsClient {
  private static final int SHOWN = 8;

  @Option(
      names = "--versions",
      split = ",",
      defaultValue = "1,2",
      description = "model versions to ask for (default: 1,2)")
  long[] versions;

  public static void main(String[] args) {
    DigitsCalls.run(new DigitsDemoClient(), args);
  }

  @Override
  public Integer call() throws InterruptedException {
    DigitsDataset heldOut = DigitsCalls.heldOut();
    ManagedChannel channel = plaintextChannel();
    try {
      GRPCInferenceServiceBlockingStub oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
      PredictionServiceBlockingStub tfServing = PredictionServiceGrpc.newBlockingStub(channel);
      System.out.printf(
          "sending %d held-out digits, one call each, to %s%n", heldOut.size(), target);
      for (long version : versions) {
        report("OIP ModelInfer", version, heldOut, row -> oipPredict(oip, version, heldOut, row));
        report(
            "TF Serving Predict",
            version,
            heldOut,
            row -> tfServingPredict(tfServing, version, heldOut, row));
      }
      return 0;
    } finally {
      DigitsCalls.close(channel);
    }
  }

  private static void report(String api, long version, DigitsDataset rows, Classifier classifier) {
    int correct = 0;
    StringBuilder shown = new StringBuilder();
    for (int row = 0; row < rows.size(); row++) {
      long predicted = classifier.classify(row);
      if (predicted == rows.label(row)) {
        correct++;
      }
      if (row < SHOWN) {
        shown.append(
            String.format(
                " %d→%d%s", rows.label(row), predicted, predicted == rows.label(row) ? "" : "✗"));
      }
    }
    System.out.printf(
        "%-19s digits v%d: label→predicted%s ...  accuracy %d/%d = %.2f%%%n",
        api, version, shown, correct, rows.size(), 100.0 * correct / rows.size());
  }

  private static long oipPredict(
      GRPCInferenceServiceBlockingStub stub, long version, DigitsDataset rows, int row) {
    return DigitsCalls.predicted(
        DigitsCalls.infer(stub, DigitsCalls.request(rows.pixels(row), Long.toString(version))));
  }

  private static long tfServingPredict(
      PredictionServiceBlockingStub stub, long version, DigitsDataset rows, int row) {
    ByteBuffer content =
        ByteBuffer.allocate(DigitsDataset.PIXELS * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float pixel : rows.pixels(row)) {
      content.putFloat(pixel);
    }
    org.tensorflow.proto.TensorProto tensor =
        org.tensorflow.proto.TensorProto.newBuilder()
            .setDtype(org.tensorflow.proto.DataType.DT_FLOAT)
            .setTensorShape(
                org.tensorflow.proto.TensorShapeProto.newBuilder()
                    .addDim(org.tensorflow.proto.TensorShapeProto.Dim.newBuilder().setSize(1))
                    .addDim(
                        org.tensorflow.proto.TensorShapeProto.Dim.newBuilder()
                            .setSize(DigitsDataset.PIXELS)))
            .setTensorContent(ByteString.copyFrom(content.flip()))
            .build();
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(
            PredictRequest.newBuilder()
                .setModelSpec(
                    ModelSpec.newBuilder().setName("digits").setVersion(Int64Value.of(version)))
                .putInputs("pixels", tensor)
                .addOutputFilter("classes")
                .build())
        .getOutputsOrThrow("classes")
        .getInt64Val(0);
  }

  @FunctionalInterface
  private interface Classifier {
    long classify(int row);
  }
}
