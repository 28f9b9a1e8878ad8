package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.demo.DigitsServers.Answer;
import io.infergate.infer.demo.DigitsServers.BothVersions;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.proto.tfserving.PredictResponse;
import io.infergate.infer.proto.tfserving.PredictionServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's canary end to end: real held-out digits through the gateway, as {@code bin/gateway}
 * runs it, at 90/10 to two real TensorFlow model servers (digits v1 as stable, v2 as canary); the
 * answers are checked against the labels and the split against the binomial interval.
 */
class GatewayCanaryIT {
  @TempDir static Path scratch;
  static BothVersions servers;
  static FileGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    servers = DigitsServers.bothVersions(scratch);
    Path file =
        DigitsServers.config(
            scratch, "stable 90 " + servers.v1Port(), "canary 10 " + servers.v2Port());
    // The test counts each variant's answers to the held-out digits: no warm-up calls among them.
    Files.writeString(file, Files.readString(file) + "\nwarmup: {enabled: false}\n");
    gateway = FileGateway.start(file);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    servers.close();
  }

  @Test
  void realDigitsSplitNinetyTenAndEachVariantAnswersWithItsModelsAccuracy() {
    DigitsDataset heldOut = DigitsRequests.validation();
    int calls = 1_000;
    Map<String, int[]> tally = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      Answer answer = DigitsServers.classify(gateway.channel(), heldOut, i % heldOut.size());
      int[] counts = tally.computeIfAbsent(answer.variant(), v -> new int[2]);
      counts[0]++;
      counts[1] += answer.correct() ? 1 : 0;
    }

    assertThat(tally).containsOnlyKeys("stable;version=1", "canary;version=2");
    // The split is random per call, so any interval fails a correct gateway now and then: ±6.1
    // standard deviations of Binomial(1000, 0.1) (100 ± 58) fails one run in a billion, and still
    // catches a split that is off by more than about 6 points (a 99.9% interval, ±31, failed about
    // one run in a thousand, as binomial tails do).
    double halfWidth = 6.1 * Math.sqrt(calls * 0.1 * 0.9);
    assertThat((double) tally.get("canary;version=2")[0])
        .isBetween(100 - halfWidth, 100 + halfWidth);
    // Accuracy on the ~100 digits the canary got is a binomial sample too: both models score at
    // least 95% on all 359 (see README, Demo models), so the same 6.1 deviations bound it; a fixed
    // 0.92 failed about one run in a hundred. A variant answering with a broken or wrong model
    // (digits are 10 classes: ~10% by chance) still fails by far.
    tally.forEach(
        (variant, counts) ->
            assertThat((double) counts[1] / counts[0])
                .as(variant)
                .isGreaterThanOrEqualTo(0.95 - 6.1 * Math.sqrt(0.95 * 0.05 / counts[0])));
  }

  @Test
  void tfServingPredictReachesTheVariantTheOverrideNames() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    DigitsDataset rows = DigitsRequests.validation().head(8);

    PredictResponse response =
        PredictionServiceGrpc.newBlockingStub(gateway.channel())
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(override("canary")),
                MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
            .predict(DigitsRequests.predict(rows, 0).build());

    assertThat(headers.get().get(DigitsServers.X_VARIANT)).isEqualTo("canary;version=2");
    assertThat(response.getOutputsOrThrow("classes").getInt64ValCount()).isEqualTo(8);
  }

  private static Metadata override(String variant) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("x-variant-override", Metadata.ASCII_STRING_MARSHALLER), variant);
    return metadata;
  }
}
