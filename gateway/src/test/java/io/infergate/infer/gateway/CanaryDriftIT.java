package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.InMemoryMetrics;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary drift over loopback sockets: a route of two variants whose model servers answer OIP
 * ModelInfer calls with scores, the canary's over other classes (and a lower top-1 score) or over
 * the same ones as stable. The gateway decodes the answers off the calls' path and reports, when
 * metrics are read, how far the canary's answers are from stable's.
 */
class CanaryDriftIT {
  private static final int CALLS = 400;
  private static final Map<String, String> FAILING = Map.of("x-fake", "fail:INTERNAL:boom");

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  @RegisterExtension final InMemoryMetrics metrics = new InMemoryMetrics();

  @Test
  void aCanaryPredictingOtherClassesDivergesFromStable() {
    GatewayClient client = start(cycling(10, 0.9f), cycling(5, 0.6f));

    int ok = send(client);

    awaitPredictions(ok);
    // Uniform over 10 classes against uniform over 5 of them: 0.31 bits; PSI 3.8.
    assertThat(drift("jensen_shannon", "prediction")).isBetween(0.25, 0.37);
    assertThat(drift("psi", "prediction")).isGreaterThan(2.0);
    // Top-1 scores 0.9 against 0.6: disjoint bins.
    assertThat(drift("jensen_shannon", "top1_score")).isGreaterThan(0.99);
  }

  @Test
  void aCanaryPredictingLikeStableShowsNoDivergence() {
    GatewayClient client = start(cycling(10, 0.9f), cycling(10, 0.9f));

    int ok = send(client);

    awaitPredictions(ok);
    assertThat(drift("jensen_shannon", "prediction")).isLessThan(0.01);
    assertThat(drift("psi", "prediction")).isLessThan(0.02);
    assertThat(drift("psi", "top1_score")).isLessThan(1e-9);
  }

  @Test
  void answersOfCallsThatFellBackToAnotherVariantAreNotCounted() throws IOException {
    FakeBackend stable = bed.backend("stable");
    stable.answerWith(cycling(10, 0.9f));
    String routes =
        """
          - model: digits
            canaryDrift: {reference: stable, minAnswers: 1}
            variants:
              - {name: stable, weight: 1, endpoints: ["%s"]}
              - {name: canary, weight: 1, endpoints: ["%s"]}
        """
            .formatted(stable.endpoint(), bed.transport().unreachable());
    GatewayClient client =
        bed.client(bed.gateway(TestBed.routesConfig(dir, routes), metrics.openTelemetry()));

    int meantForStable = 0;
    int fellBack = 0;
    for (int i = 0; i < 100; i++) {
      Reply reply = client.infer("digits", Map.of());
      assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
      if (reply.header("x-fallback") == null) {
        meantForStable++;
      } else {
        fellBack++;
      }
    }

    assertThat(fellBack).isPositive();
    int expected = meantForStable;
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(predictions("stable")).isEqualTo(expected));
    assertThat(predictions("canary")).isZero();
  }

  /** A gateway whose route splits calls evenly between two backends answering as given. */
  private GatewayClient start(UnaryOperator<byte[]> stableAnswers, UnaryOperator<byte[]> canary) {
    FakeBackend stable = bed.backend("stable");
    stable.answerWith(stableAnswers);
    FakeBackend candidate = bed.backend("canary");
    candidate.answerWith(canary);
    String routes =
        """
          - model: digits
            canaryDrift: {reference: stable, window: 1m, bucket: 10s, minAnswers: 50}
            variants:
              - {name: stable, weight: 1, endpoints: ["%s"]}
              - {name: canary, weight: 1, endpoints: ["%s"]}
        """
            .formatted(stable.endpoint(), candidate.endpoint());
    return bed.client(bed.gateway(TestBed.routesConfig(dir, routes), metrics.openTelemetry()));
  }

  /**
   * Sends {@link #CALLS} calls and, between them, calls that fail on either variant (which must not
   * count); returns how many calls were answered OK.
   */
  private static int send(GatewayClient client) {
    int ok = 0;
    for (int i = 0; i < CALLS; i++) {
      Reply reply = client.infer("digits", Map.of());
      assertThat(reply.isOk()).as("%s", reply.status()).isTrue();
      ok++;
      if (i % 20 == 0) {
        assertThat(client.infer("digits", FAILING).isOk()).isFalse();
      }
    }
    return ok;
  }

  /**
   * Answers of one row of 10 scores whose top-1 class cycles over {@code [0, classes)}, with {@code
   * top1} as its score and the rest shared by the other classes.
   */
  private static UnaryOperator<byte[]> cycling(int classes, float top1) {
    AtomicInteger next = new AtomicInteger();
    return request -> {
      int top = next.getAndIncrement() % classes;
      InferTensorContents.Builder scores = InferTensorContents.newBuilder();
      for (int c = 0; c < 10; c++) {
        scores.addFp32Contents(c == top ? top1 : (1 - top1) / 9);
      }
      return ModelInferResponse.newBuilder()
          .setModelName("digits")
          .addOutputs(
              ModelInferResponse.InferOutputTensor.newBuilder()
                  .setName("probabilities")
                  .setDatatype("FP32")
                  .addShape(1)
                  .addShape(10)
                  .setContents(scores))
          .build()
          .toByteArray();
    };
  }

  /** Waits until the two windows together hold one prediction per call answered OK. */
  private void awaitPredictions(int ok) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(predictions("stable") + predictions("canary")).isEqualTo(ok));
    assertThat(predictions("stable")).isGreaterThanOrEqualTo(50);
    assertThat(predictions("canary")).isGreaterThanOrEqualTo(50);
  }

  private long predictions(String variant) {
    for (PointData point : points("infergate.gateway.canary.window.predictions")) {
      if (variant.equals(point.getAttributes().get(AttributeKey.stringKey("variant")))) {
        return ((LongPointData) point).getValue();
      }
    }
    return 0;
  }

  /** The canary's divergence {@code name} ({@code psi}, {@code jensen_shannon}) from stable. */
  private double drift(String name, String distribution) {
    Attributes wanted =
        Attributes.builder()
            .put("model", "digits")
            .put("variant", "canary")
            .put("reference_variant", "stable")
            .put("distribution", distribution)
            .build();
    for (PointData point : points("infergate.gateway.canary.drift." + name)) {
      if (point.getAttributes().equals(wanted)) {
        return ((DoublePointData) point).getValue();
      }
    }
    throw new AssertionError("no " + name + " of " + wanted);
  }

  private Iterable<? extends PointData> points(String name) {
    for (MetricData data : metrics.collect()) {
      if (data.getName().equals(name)) {
        return data.getData().getPoints();
      }
    }
    return List.of();
  }
}
