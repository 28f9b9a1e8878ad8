package io.infergate.infer.demo;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.infergate.infer.demo.DigitsServers.BothVersions;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow agreement end to end: every held-out digit goes through a real gateway to digits v1
 * (primary) and, as a shadow copy, to digits v2, each on its own real TensorFlow model server. The
 * agreement the gateway records (top-1 match rate, mean absolute difference of the class
 * probabilities) must be the one computed offline from the two models' own answers to the same
 * digits.
 */
class ShadowAgreementIT {
  @TempDir static Path scratch;
  static BothVersions servers;
  static InMemoryMetricReader metrics;
  static Gateway gateway;
  static ManagedChannel toGateway;

  @BeforeAll
  static void start() throws Exception {
    servers = DigitsServers.bothVersions(scratch);
    Path file = scratch.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        host: 127.0.0.1
        port: 0
        warmup: {enabled: false}  # the test counts comparisons exactly
        routes:
          - model: digits
            shadow: {variant: v2, fraction: 1.0, maxInFlight: 1024, timeout: 10s}
            variants:
              - {name: v1, weight: 100, endpoints: ["127.0.0.1:%d"]}
              - {name: v2, weight: 0, endpoints: ["127.0.0.1:%d"]}
        """
            .formatted(servers.v1Port(), servers.v2Port()));
    metrics = InMemoryMetricReader.create();
    gateway =
        Gateway.start(
            GatewayConfigLoader.of(file).load().value(),
            OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build());
    toGateway = DigitsCalls.channel("127.0.0.1:" + gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    DigitsCalls.close(toGateway);
    gateway.close();
    servers.close();
  }

  @Test
  void agreementRecordedByTheGatewayIsTheOneComputedOfflineFromBothModelsAnswers() {
    DigitsDataset heldOut = DigitsRequests.validation();
    int rows = heldOut.size();
    int offlineMatches = 0;
    double offlineAbsDiff = 0;
    for (int row = 0; row < rows; row++) {
      ModelInferRequest request = probabilities(heldOut.pixels(row));
      // One at a time, so no copy is ever dropped for want of room.
      DigitsCalls.infer(stub(toGateway), request);
      float[] p1 = scores(DigitsCalls.infer(stub(servers.v1().channel()), request));
      float[] p2 = scores(DigitsCalls.infer(stub(servers.v2().channel()), request));
      offlineMatches += argMax(p1) == argMax(p2) ? 1 : 0;
      offlineAbsDiff += meanAbsDiff(p1, p2);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> sum("compared") == rows);
    assertThat(gateway.shadowCounts("digits").dropped()).isZero();
    assertThat(sum("not_compared")).isZero();
    double offlineRate = (double) offlineMatches / rows;
    double offlineMean = offlineAbsDiff / rows;
    // The two versions must differ somewhere, or agreement 1.0 would pass without comparing.
    assertThat(offlineMean).isPositive();
    assertThat(sum("top1_matches") / rows).isCloseTo(offlineRate, offset(0.005));
    assertThat(sum("abs_diff") / rows).isCloseTo(offlineMean, offset(offlineMean * 0.005));
  }

  /** One digit asking for its class probabilities ({@code probs}, [1, 10] FP32) first. */
  private static ModelInferRequest probabilities(float[] pixels) {
    return DigitsCalls.request(pixels, "").toBuilder()
        .clearOutputs()
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probs"))
        .build();
  }

  private static GRPCInferenceServiceBlockingStub stub(ManagedChannel channel) {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  /** The probabilities of an answer, raw or typed, as a client of either model would read them. */
  private static float[] scores(ModelInferResponse response) {
    assertThat(response.getOutputs(0).getDatatype()).isEqualTo("FP32");
    if (response.getRawOutputContentsCount() > 0) {
      FloatBuffer raw =
          response
              .getRawOutputContents(0)
              .asReadOnlyByteBuffer()
              .order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer();
      float[] values = new float[raw.remaining()];
      raw.get(values);
      return values;
    }
    float[] values = new float[response.getOutputs(0).getContents().getFp32ContentsCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = response.getOutputs(0).getContents().getFp32Contents(i);
    }
    return values;
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double meanAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSize(DigitsDataset.CLASSES).hasSameSizeAs(b);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }

  /** The total of {@code infergate.gateway.shadow.<name>} for digits, v1 against v2. */
  private static double sum(String name) {
    double total = 0;
    for (MetricData data : metrics.collectAllMetrics()) {
      if (!data.getName().equals("infergate.gateway.shadow." + name)) {
        continue;
      }
      for (PointData point : data.getData().getPoints()) {
        Attributes attributes = point.getAttributes();
        if ("digits".equals(attributes.get(stringKey("model")))
            && "v1".equals(attributes.get(stringKey("variant")))
            && "v2".equals(attributes.get(stringKey("shadow_variant")))) {
          total += value(point);
        }
      }
    }
    return total;
  }

  private static double value(PointData point) {
    return point instanceof LongPointData longs
        ? longs.getValue()
        : ((DoublePointData) point).getValue();
  }
}
