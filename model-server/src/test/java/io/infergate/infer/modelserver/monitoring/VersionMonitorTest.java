package io.infergate.infer.modelserver.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import io.infergate.infer.observability.baseline.Baseline;
import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.data.EventData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.SignatureDef;

class VersionMonitorTest {
  private static final int FEATURES = 64;
  private static final Attributes VERSION =
      Attributes.of(AttributeKey.stringKey("model"), "m", AttributeKey.stringKey("version"), "1");

  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private final VersionTelemetry version =
      ModelServerTelemetry.of(telemetry.openTelemetry()).version("m", 1);
  private final AtomicLong nanos = new AtomicLong();

  @AfterEach
  void close() {
    telemetry.close();
  }

  @Test
  void flagsACallWithTwoPercentOfItsValuesOutOfRangeButNotHalfAPercentNorExactlyOnePercent() {
    VersionMonitor monitor = monitor(MonitoringConfig.DEFAULT);
    // 100 rows of 64 values: 6,400 values, so 1% is 64.
    assertThat(monitor.inputs(feeds(inRange(100), 128), Span.getInvalid())).isTrue();
    assertThat(monitor.inputs(feeds(inRange(100), 32), Span.getInvalid())).isFalse();
    assertThat(monitor.inputs(feeds(inRange(100), 64), Span.getInvalid())).isFalse();
    assertThat(monitor.inputs(feeds(inRange(100), 65), Span.getInvalid())).isTrue();

    assertThat(telemetry.value("infergate.model.input.calls.checked", VERSION)).isEqualTo(4);
    assertThat(telemetry.value("infergate.model.input.calls.flagged", VERSION)).isEqualTo(2);
    assertThat(telemetry.value("infergate.model.input.values.checked", VERSION))
        .isEqualTo(4 * 6400);
    assertThat(telemetry.value("infergate.model.input.values.out_of_range", VERSION))
        .isEqualTo(128 + 32 + 64 + 65);
  }

  @Test
  void theThresholdIsConfigurable() {
    VersionMonitor monitor =
        monitor(new MonitoringConfig(null, 0.001, null, null, null, null, null));

    assertThat(monitor.inputs(feeds(inRange(100), 32), Span.getInvalid())).isTrue();
  }

  @Test
  void countsOutOfRangeValuesPerFeatureNaNIncluded() {
    VersionMonitor monitor = monitor(MonitoringConfig.DEFAULT);
    float[] values = inRange(2);
    values[5] = -1;
    values[FEATURES + 5] = Float.NaN;
    values[FEATURES + 7] = 16.5f;
    values[8] = 16; // the training max: in range

    monitor.inputs(feeds(values, 0), Span.getInvalid());

    assertThat(monitor.featureOutOfRange(5)).isEqualTo(2);
    assertThat(monitor.featureOutOfRange(7)).isEqualTo(1);
    assertThat(monitor.featureOutOfRange(8)).isZero();
    assertThat(monitor.featureAttributes(5).get(VersionMonitor.FEATURE)).isEqualTo("f5");
  }

  @Test
  void aFlaggedCallGetsASpanEventWithItsCounts() {
    VersionMonitor monitor = monitor(MonitoringConfig.DEFAULT);
    Span span = telemetry.openTelemetry().getTracer("test").spanBuilder("call").startSpan();

    monitor.inputs(feeds(inRange(100), 128), span);
    monitor.inputs(feeds(inRange(100), 0), span);
    span.end();

    List<EventData> events = telemetry.spans().get(0).getEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getName()).isEqualTo(VersionMonitor.FLAGGED_EVENT);
    assertThat(events.get(0).getAttributes().get(AttributeKey.longKey("infergate.input.values")))
        .isEqualTo(6400);
    assertThat(
            events
                .get(0)
                .getAttributes()
                .get(AttributeKey.longKey("infergate.input.values.out_of_range")))
        .isEqualTo(128);
  }

  @Test
  void theBaselinesOwnDistributionShowsNoDriftAndAShiftOrMissingClassesShowMuch() {
    VersionMonitor monitor = monitor(MonitoringConfig.DEFAULT);
    for (int i = 0; i < 10; i++) {
      monitor.inputs(feeds(inRange(160), 0), Span.getInvalid());
      monitor.predictions(classes(0, 10, 160), new int[] {0});
    }
    VersionMonitor.Drift same = monitor.drift();
    assertThat(same.inputRows()).isEqualTo(1600);
    assertThat(same.predictedRows()).isEqualTo(1600);
    assertThat(same.inputPsi()).isLessThan(0.01);
    assertThat(same.predictionPsi()).isLessThan(0.01);
    assertThat(same.inputJensenShannon()).isLessThan(0.01);

    // Two bucket lengths later the old rows still count; past the window they are gone.
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(monitor.drift().inputRows()).isZero();
    assertThat(monitor.drift().inputPsi()).isNaN();

    for (int i = 0; i < 10; i++) {
      float[] shifted = inRange(160);
      for (int v = 0; v < shifted.length; v++) {
        shifted[v] = Math.min(shifted[v] + 4, 16);
      }
      monitor.inputs(feeds(shifted, 0), Span.getInvalid());
      monitor.predictions(classes(0, 5, 160), new int[] {0});
    }
    VersionMonitor.Drift drifted = monitor.drift();
    assertThat(drifted.inputPsi()).isGreaterThan(0.2);
    assertThat(drifted.predictionPsi()).isGreaterThan(0.2);
    assertThat(drifted.featurePsi()).hasSize(FEATURES);
    assertThat(java.util.Arrays.stream(drifted.featurePsi()).min().orElseThrow())
        .isGreaterThan(0.2);
  }

  @Test
  void aBucketBinsAtMostItsRowsAndKeepsCheckingRanges() {
    VersionMonitor monitor = monitor(new MonitoringConfig(null, null, null, null, 1, 150, null));

    monitor.inputs(feeds(inRange(100), 0), Span.getInvalid());
    monitor.inputs(feeds(inRange(100), 0), Span.getInvalid()); // binned: 100 < 150
    monitor.inputs(feeds(inRange(100), 128), Span.getInvalid()); // not binned, but flagged
    monitor.predictions(classes(0, 10, 200), new int[] {0});
    monitor.predictions(classes(0, 10, 200), new int[] {0});

    assertThat(monitor.drift().inputRows()).isEqualTo(200);
    assertThat(monitor.drift().predictedRows()).isEqualTo(200);
    assertThat(telemetry.value("infergate.model.input.calls.flagged", VERSION)).isEqualTo(1);
    nanos.addAndGet(Duration.ofSeconds(10).toNanos()); // the next bucket bins again
    monitor.inputs(feeds(inRange(100), 0), Span.getInvalid());
    assertThat(monitor.drift().inputRows()).isEqualTo(300);
  }

  @Test
  void driftIsNotReportedBelowTheMinimumRows() {
    VersionMonitor monitor = monitor(MonitoringConfig.DEFAULT);
    monitor.inputs(feeds(inRange(99), 0), Span.getInvalid());

    assertThat(monitor.drift().inputRows()).isEqualTo(99);
    assertThat(monitor.drift().inputPsi()).isNaN();
    assertThat(monitor.drift().featurePsi()).isNull();
  }

  @Test
  void classScoresCountTheirLargest() {
    List<TensorSpec> outputs =
        List.of(new TensorSpec("probs", ElementType.FP32, new long[] {-1, 10}));
    VersionMonitor monitor =
        VersionMonitor.of(
            baseline("probs"), model(outputs), MonitoringConfig.DEFAULT, version, nanos::get);
    ByteBuffer scores = ByteBuffer.allocate(200 * 10 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < 200; r++) {
      for (int c = 0; c < 10; c++) {
        scores.putFloat(c == 3 ? 0.9f : 0.01f);
      }
    }
    monitor.predictions(
        new HostTensor[] {new HostTensor(ElementType.FP32, new long[] {200, 10}, scores.flip())},
        new int[] {0});

    VersionMonitor.Drift drift = monitor.drift();
    assertThat(drift.predictedRows()).isEqualTo(200);
    // All in class 3, which held a tenth; the nine others floored at 1e-4.
    assertThat(drift.predictionPsi())
        .isCloseTo(0.9 * Math.log(10) + 9 * (0.1 - 1e-4) * Math.log(0.1 / 1e-4), within(1e-9));
  }

  @Test
  void aBaselineThatDoesNotFitTheSignatureIsRefusedNamingTheKey() {
    Baseline wrongInput = new Baseline(Baseline.FORMAT, "image", 1, features(FEATURES), null);
    Baseline tooFew = new Baseline(Baseline.FORMAT, "pixels", 1, features(63), null);
    List<TensorSpec> outputs = List.of(classesSpec());

    assertThatThrownBy(
            () ->
                VersionMonitor.of(
                    wrongInput, model(outputs), MonitoringConfig.DEFAULT, version, nanos::get))
        .hasMessage("input: image (expected: an input of the signature: [pixels])");
    assertThatThrownBy(
            () ->
                VersionMonitor.of(
                    tooFew, model(outputs), MonitoringConfig.DEFAULT, version, nanos::get))
        .hasMessage("features: 63 (expected: 64, the last dimension of input 'pixels' [-1,64])");
  }

  private VersionMonitor monitor(MonitoringConfig config) {
    return VersionMonitor.of(
        baseline("classes"), model(List.of(classesSpec())), config, version, nanos::get);
  }

  /**
   * Features f0..f63, each 0..16 in training, spread evenly over its ten bins; ten classes, evenly
   * predicted.
   */
  private static Baseline baseline(String output) {
    long[] classCounts = new long[10];
    java.util.Arrays.fill(classCounts, 16);
    return new Baseline(
        Baseline.FORMAT,
        "pixels",
        160,
        features(FEATURES),
        new Baseline.Predictions(output, 160, classCounts));
  }

  private static List<Baseline.Feature> features(int count) {
    double[] edges = new double[11];
    for (int i = 0; i < 10; i++) {
      edges[i] = i * 1.6;
    }
    edges[10] = Math.nextUp(16.0);
    long[] counts = new long[12];
    java.util.Arrays.fill(counts, 1, 11, 16);
    List<Baseline.Feature> features = new ArrayList<>();
    for (int f = 0; f < count; f++) {
      features.add(new Baseline.Feature("f" + f, 0, 16, Map.of(), edges, counts));
    }
    return features;
  }

  /** Rows whose values walk evenly through the ten bins (0.8, 2.4, ... 15.2). */
  private static float[] inRange(int rows) {
    float[] values = new float[rows * FEATURES];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < FEATURES; f++) {
        values[r * FEATURES + f] = 0.8f + 1.6f * (r % 10);
      }
    }
    return values;
  }

  /** {@code values} as the decoded FP32 input, its first {@code outOfRange} values set to 17. */
  private static HostTensor[] feeds(float[] values, int outOfRange) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) {
      bytes.putFloat(i < outOfRange ? 17 : values[i]);
    }
    return new HostTensor[] {
      new HostTensor(
          ElementType.FP32, new long[] {values.length / FEATURES, FEATURES}, bytes.flip())
    };
  }

  /** {@code rows} predicted classes cycling through {@code from..to-1}, as INT64. */
  private static HostTensor[] classes(int from, int to, int rows) {
    ByteBuffer bytes = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < rows; r++) {
      bytes.putLong(from + r % (to - from));
    }
    return new HostTensor[] {new HostTensor(ElementType.INT64, new long[] {rows}, bytes.flip())};
  }

  private static TensorSpec classesSpec() {
    return new TensorSpec("classes", ElementType.INT64, new long[] {-1});
  }

  private static LoadedModel model(List<TensorSpec> outputs) {
    return new SignatureOnly(
        List.of(new TensorSpec("pixels", ElementType.FP32, new long[] {-1, FEATURES})), outputs);
  }

  /** A model with a signature and nothing to run: all a monitor looks at. */
  private record SignatureOnly(List<TensorSpec> inputs, List<TensorSpec> outputs)
      implements LoadedModel {
    @Override
    public SignatureDef signatureDef() {
      return SignatureDef.getDefaultInstance();
    }

    @Override
    public HostTensor[] run(HostTensor[] feeds, int[] fetch) {
      throw new UnsupportedOperationException("signature only");
    }

    @Override
    public void close() {}
  }
}
