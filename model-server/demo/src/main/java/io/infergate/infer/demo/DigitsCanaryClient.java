package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.observability.ProcessLogging;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's canary client: sends held-out digits through a gateway, one call each, and tallies
 * calls and accuracy per variant from the {@code x-variant} header the gateway adds to every
 * answer.
 */
@Command(
    name = "digits-canary-client",
    mixinStandardHelpOptions = true,
    versionProvider = ProjectVersion.class,
    description = "Classifies held-out digits through a gateway and reports per variant.")
public final class DigitsCanaryClient implements Callable<Integer> {
  private static final Metadata.Key<String> X_VARIANT =
      Metadata.Key.of("x-variant", Metadata.ASCII_STRING_MARSHALLER);

  @Option(names = "--target", required = true, description = "host:port of the gateway")
  String target;

  @Option(names = "--calls", defaultValue = "1000", description = "calls to send (default 1000)")
  int calls;

  public static void main(String[] args) {
    ProcessLogging.install();
    System.exit(new CommandLine(new DigitsCanaryClient()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    DigitsDataset heldOut = DigitsDataset.load().split().validation();
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    Map<String, int[]> tally = new TreeMap<>();
    try {
      for (int i = 0; i < calls; i++) {
        int row = i % heldOut.size();
        AtomicReference<Metadata> headers = new AtomicReference<>();
        ModelInferResponse response =
            GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .withInterceptors(
                    MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
                .modelInfer(request(heldOut.pixels(row)));
        String variant = headers.get() == null ? "?" : headers.get().get(X_VARIANT);
        int[] counts = tally.computeIfAbsent(variant, v -> new int[2]);
        counts[0]++;
        if (response.getOutputs(0).getContents().getInt64Contents(0) == heldOut.label(row)) {
          counts[1]++;
        }
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    System.out.printf("sent %d calls through the gateway at %s%n", calls, target);
    tally.forEach(
        (variant, counts) ->
            System.out.printf(
                "  x-variant %-18s %5d calls (%5.1f%%)  accuracy %.2f%%%n",
                variant, counts[0], 100.0 * counts[0] / calls, 100.0 * counts[1] / counts[0]));
    return 0;
  }

  /** One digit as an OIP call asking for the {@code classes} output. */
  static ModelInferRequest request(float[] pixels) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float pixel : pixels) {
      contents.addFp32Contents(pixel);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("digits")
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("pixels")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(DigitsDataset.PIXELS)
                .setContents(contents))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("classes"))
        .build();
  }
}
