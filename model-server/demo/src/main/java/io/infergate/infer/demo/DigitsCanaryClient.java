package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The demo's canary client: sends held-out digits through a gateway, one call each, and tallies
 * calls and accuracy per variant from the {@code x-variant} header the gateway adds to every
 * answer.
 */
@Command(
    name = "digits-canary-client",
    description = "Classifies held-out digits through a gateway and reports per variant.")
public final class DigitsCanaryClient extends DigitsClient {
  @Mixin TlsOptions tls;

  @Option(names = "--calls", defaultValue = "1000", description = "calls to send (default 1000)")
  int calls;

  public static void main(String[] args) {
    DigitsCalls.run(new DigitsCanaryClient(), args);
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    DigitsDataset heldOut = DigitsCalls.heldOut();
    ManagedChannel channel = channel(tls);
    GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    Map<String, int[]> tally = new TreeMap<>();
    try {
      for (int i = 0; i < calls; i++) {
        int row = i % heldOut.size();
        DigitsCalls.Answer answer = DigitsCalls.throughGateway(stub, heldOut.pixels(row));
        int[] counts = tally.computeIfAbsent(answer.variant(), v -> new int[2]);
        counts[0]++;
        if (answer.predicted() == heldOut.label(row)) {
          counts[1]++;
        }
      }
    } finally {
      DigitsCalls.close(channel);
    }
    System.out.printf(
        "sent %d calls through the gateway at %s%s%n",
        calls, target, tls.cacert == null ? "" : " over " + tls.describe());
    tally.forEach(
        (variant, counts) ->
            System.out.printf(
                "  x-variant %-18s %5d calls (%5.1f%%)  accuracy %.2f%%%n",
                variant, counts[0], 100.0 * counts[0] / calls, 100.0 * counts[1] / counts[0]));
    return 0;
  }
}
