package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.router.CanaryDrift;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A variant's answers counted off the call's path into its window, and compared with the
 * reference's when metrics are collected.
 */
class CanaryWatchTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final CanaryDrift SETTINGS =
      CanaryDrift.of(null, Duration.ofSeconds(30), Duration.ofSeconds(10), 10, null);

  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final GatewayTelemetry telemetry =
      new GatewayTelemetry(
          OpenTelemetrySdk.builder()
              .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
              .build());
  private final RouteTelemetry route = new RouteTelemetry(telemetry, "digits", null, "stable");
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  private final AnswerDecoder decoder = new AnswerDecoder(1024);
  private final CanaryWatch stable = watch("stable", SETTINGS);
  private final CanaryWatch canary = watch("canary", SETTINGS);
  private final BatchCallback gauges =
      telemetry.canaryDriftGauges(
          into -> {
            AnswerWindow.Counts expected = stable.window().sum();
            stable.report(expected, null, into);
            canary.report(canary.window().sum(), expected, into);
          });

  @AfterEach
  void stop() {
    gauges.close();
    decoder.close();
  }

  @Test
  void theSameClassesAndScoresDivergeByNothing() {
    answer(stable, 40, 0.9f, 4);
    answer(canary, 40, 0.9f, 4);

    awaitPredictions(40, 40);
    assertThat(gauge("psi", "prediction")).isCloseTo(0, within(1e-12));
    assertThat(gauge("jensen_shannon", "top1_score")).isCloseTo(0, within(1e-12));
  }

  @Test
  void disjointClassesDivergeByOneBitAndScoresByTheirBins() {
    answer(stable, 20, 0.95f, 4); // classes 0..3, top-1 score in the last bin
    answer(canary, 20, 0.55f, 4, 4); // classes 4..7, top-1 score in bin 5

    awaitPredictions(20, 20);
    assertThat(gauge("jensen_shannon", "prediction")).isCloseTo(1, within(1e-9));
    assertThat(gauge("jensen_shannon", "top1_score")).isCloseTo(1, within(1e-9));
    // Each of 4 classes: (1/4 - 1e-4) ln(2500) and (1e-4 - 1/4) ln(1/2500), on both sides.
    assertThat(gauge("psi", "prediction"))
        .isCloseTo(8 * (0.25 - 1e-4) * Math.log(0.25 / 1e-4), within(1e-9));
    // The reference is not compared with itself.
    assertThat(points("infergate.gateway.canary.drift.psi"))
        .extracting(PointData::getAttributes)
        .allMatch(attributes -> "canary".equals(attributes.get(GatewayTelemetry.VARIANT)));
  }

  @Test
  void nothingIsComparedUntilBothSidesHoldMinAnswers() {
    answer(stable, 10, 0.9f, 2);
    answer(canary, 9, 0.9f, 2);

    awaitPredictions(10, 9);
    assertThat(points("infergate.gateway.canary.drift.psi")).isEmpty();

    answer(canary, 1, 0.9f, 2);
    awaitPredictions(10, 10);
    assertThat(points("infergate.gateway.canary.drift.psi")).hasSize(2);
  }

  @Test
  void answersLeaveTheWindowAsItSlides() {
    answer(stable, 12, 0.9f, 2);
    answer(canary, 12, 0.9f, 2);
    awaitPredictions(12, 12);

    nanos.addAndGet(Duration.ofSeconds(30).toNanos()); // three buckets on: out of the window

    assertThat(gauge("predictions", "stable")).isZero();
    assertThat(points("infergate.gateway.canary.drift.psi")).isEmpty();
  }

  @Test
  void answersOfAnotherShapeAreNotCountedAndSaySo() {
    answer(canary, 3, 0.9f, 2);
    awaitPredictions(0, 3);

    canary.answered(AnswerTensor.OIP_INFER, scores(3, 0.9f, 0, 0)); // 3 classes, not 2
    canary.answered(AnswerTensor.OIP_INFER, new byte[] {(byte) 0xff});

    await().atMost(WAIT).until(() -> notCounted("canary", "not_decodable") == 2);
    assertThat(gauge("predictions", "canary")).isEqualTo(3);
  }

  @Test
  void aFullQueueDropsAnswersAndCountsThem() {
    AnswerDecoder closed = new AnswerDecoder(1);
    closed.close(); // takes nothing off: every answer offered is dropped
    CanaryWatch dropping =
        CanaryWatch.of(
            new AnswerWindow(SETTINGS, nanos::get),
            closed,
            new VariantTelemetry(route, "canary"),
            SETTINGS);

    dropping.answered(AnswerTensor.OIP_INFER, scores(2, 0.9f, 0, 0));

    assertThat(notCounted("canary", "queue_full")).isEqualTo(1);
  }

  @Test
  void aSampleDecodesAboutItsFractionAndMethodsWithoutScoresNothing() {
    CanaryDrift tenth = CanaryDrift.of(null, Duration.ofSeconds(30), null, 1, 0.1);
    CanaryWatch sampled = watch("canary", tenth);

    for (int i = 0; i < 2000; i++) {
      sampled.answered(AnswerTensor.OIP_INFER, scores(2, 0.9f, 0, 0));
      sampled.answered(AnswerTensor.NONE, scores(2, 0.9f, 0, 0));
    }

    await().atMost(WAIT).until(() -> sampled.window().sum() != null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(sampled.window().sum().rows()).isBetween(120L, 280L)); // 200 +- 6 sd
  }

  @Test
  void scoreBinsAreTenthsWithEverythingOutsideInTheEndBins() {
    assertThat(AnswerWindow.scoreBin(0f)).isZero();
    assertThat(AnswerWindow.scoreBin(0.0999f)).isZero();
    assertThat(AnswerWindow.scoreBin(0.1f)).isEqualTo(1);
    assertThat(AnswerWindow.scoreBin(0.95f)).isEqualTo(9);
    assertThat(AnswerWindow.scoreBin(1f)).isEqualTo(9);
    assertThat(AnswerWindow.scoreBin(7f)).isEqualTo(9);
    assertThat(AnswerWindow.scoreBin(-3f)).isZero();
    assertThat(AnswerWindow.scoreBin(Float.NaN)).isZero();
  }

  private CanaryWatch watch(String variant, CanaryDrift settings) {
    return CanaryWatch.of(
        new AnswerWindow(settings, nanos::get),
        decoder,
        new VariantTelemetry(route, variant),
        settings);
  }

  /**
   * {@code count} answers of one row each, with top-1 classes cycling over {@code [first, first +
   * spread)} among 8 classes and the top-1 score {@code top1}.
   */
  private static void answer(CanaryWatch watch, int count, float top1, int spread) {
    answer(watch, count, top1, spread, 0);
  }

  private static void answer(CanaryWatch watch, int count, float top1, int spread, int first) {
    for (int i = 0; i < count; i++) {
      watch.answered(AnswerTensor.OIP_INFER, scores(8, top1, first + i % spread, 0));
    }
  }

  /** One row of {@code classes} scores: {@code top1} at {@code top}, {@code rest} elsewhere. */
  private static byte[] scores(int classes, float top1, int top, float rest) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (int c = 0; c < classes; c++) {
      contents.addFp32Contents(c == top ? top1 : rest);
    }
    return ModelInferResponse.newBuilder()
        .addOutputs(
            ModelInferResponse.InferOutputTensor.newBuilder()
                .setName("probabilities")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(classes)
                .setContents(contents))
        .build()
        .toByteArray();
  }

  private void awaitPredictions(long stableRows, long canaryRows) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                gauge("predictions", "stable") == stableRows
                    && gauge("predictions", "canary") == canaryRows);
  }

  /**
   * The canary's {@code psi} or {@code jensen_shannon} gauge of {@code distribution}, or the
   * predictions in the window of variant {@code distribution} ({@code name} "predictions"); 0 when
   * not reported.
   */
  private double gauge(String name, String distributionOrVariant) {
    if (name.equals("predictions")) {
      for (PointData point : points("infergate.gateway.canary.window.predictions")) {
        if (distributionOrVariant.equals(point.getAttributes().get(GatewayTelemetry.VARIANT))) {
          return ((LongPointData) point).getValue();
        }
      }
      return 0;
    }
    Attributes wanted =
        Attributes.builder()
            .put(GatewayTelemetry.MODEL, "digits")
            .put(GatewayTelemetry.VARIANT, "canary")
            .put(GatewayTelemetry.REFERENCE_VARIANT, "stable")
            .put(GatewayTelemetry.DISTRIBUTION, distributionOrVariant)
            .build();
    for (PointData point : points("infergate.gateway.canary.drift." + name)) {
      if (point.getAttributes().equals(wanted)) {
        return ((DoublePointData) point).getValue();
      }
    }
    throw new AssertionError("no " + name + " for " + wanted);
  }

  private long notCounted(String variant, String reason) {
    for (PointData point : points("infergate.gateway.canary.not_counted")) {
      Attributes attributes = point.getAttributes();
      if (variant.equals(attributes.get(GatewayTelemetry.VARIANT))
          && reason.equals(attributes.get(AttributeKey.stringKey("reason")))) {
        return ((LongPointData) point).getValue();
      }
    }
    return 0;
  }

  /** The points of {@code name} in one collection. */
  private Collection<? extends PointData> points(String name) {
    for (MetricData data : metrics.collectAllMetrics()) {
      if (data.getName().equals(name)) {
        return data.getData().getPoints();
      }
    }
    return List.of();
  }
}
