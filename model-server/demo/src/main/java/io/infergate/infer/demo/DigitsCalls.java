package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.observability.ProcessLogging;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;

/**
 * What the demo clients share: how they run, the held-out digits they send, the plaintext channel
 * to {@code --target}, the OIP call for one digit, and the call through a gateway that also reads
 * which variant answered.
 */
final class DigitsCalls {
  private static final Metadata.Key<String> X_VARIANT =
      Metadata.Key.of("x-variant", Metadata.ASCII_STRING_MARSHALLER);
  private static final long DEADLINE_SECONDS = 10;

  private DigitsCalls() {}

  /** Runs the picocli {@code command} on {@code args} with the servers' logging, and exits. */
  static void run(Object command, String[] args) {
    ProcessLogging.install();
    System.exit(new CommandLine(command).execute(args));
  }

  /** The held-out digits, which the model was not trained on. */
  static DigitsDataset heldOut() {
    return DigitsDataset.load().split().validation();
  }

  /** A plaintext channel to {@code host:port}. */
  static ManagedChannel channel(String target) {
    return NettyChannelBuilder.forTarget(target).usePlaintext().build();
  }

  /** Closes {@code channel} now, waiting up to 5 s for it to end. */
  static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /**
   * One digit as an OIP call asking for the {@code classes} output; {@code version} empty for the
   * newest the server serves.
   */
  static ModelInferRequest request(float[] pixels, String version) {
    ModelInferRequest.InferInputTensor.Builder input =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName("pixels")
            .setDatatype("FP32")
            .addShape(1)
            .addShape(DigitsDataset.PIXELS);
    for (float pixel : pixels) {
      input.getContentsBuilder().addFp32Contents(pixel);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("digits")
        .setModelVersion(version)
        .addInputs(input)
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("classes"))
        .build();
  }

  /** The class {@code response} predicts. */
  static long predicted(ModelInferResponse response) {
    return response.getOutputs(0).getContents().getInt64Contents(0);
  }

  /** Sends {@code request} within the deadline. */
  static ModelInferResponse infer(
      GRPCInferenceServiceBlockingStub stub, ModelInferRequest request) {
    return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).modelInfer(request);
  }

  /**
   * Classifies {@code pixels} (newest version) through a gateway and returns the predicted class
   * with the variant that answered ({@code ?} where the answer names none).
   */
  static Answer throughGateway(GRPCInferenceServiceBlockingStub stub, float[] pixels) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    ModelInferResponse response =
        infer(
            stub.withInterceptors(
                MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>())),
            request(pixels, ""));
    String variant = headers.get() == null ? null : headers.get().get(X_VARIANT);
    return new Answer(predicted(response), variant == null ? "?" : variant);
  }

  /** A call's predicted class and the gateway variant that answered it. */
  record Answer(long predicted, String variant) {}
}
