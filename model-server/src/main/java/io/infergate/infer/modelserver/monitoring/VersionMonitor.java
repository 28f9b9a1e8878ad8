package io.infergate.infer.modelserver.monitoring;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import io.infergate.infer.observability.baseline.Baseline;
import io.infergate.infer.observability.drift.DriftWindow;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one model version's inputs and predictions against its training {@link Baseline}.
 *
 * <p>Per call, {@link #inputs} makes one pass over the input tensor as decoded ({@link
 * FeatureBins#scan}): each value is checked against its feature's training range and counted into
 * its feature's histogram bin in the present {@link DriftWindow} bucket (until the bucket holds
 * {@code driftRowsPerBucket} rows: past that, binning waits for the next bucket). A call with more
 * than {@code flagThreshold} of its values out of range is flagged: counted, and marked by a span
 * event on its SERVER span. {@link #predictions} counts the rows' predicted classes. Both are
 * lock-free; the divergences are computed by {@link #drift} when metrics are collected, never on
 * the call path.
 */
public final class VersionMonitor {
  private static final Logger log = LoggerFactory.getLogger(VersionMonitor.class);

  /** The span event of a flagged call. */
  public static final String FLAGGED_EVENT = "infergate.input.out_of_range";

  /** The {@code feature} attribute of the per-feature metrics. */
  public static final AttributeKey<String> FEATURE = stringKey("feature");

  /**
   * The {@code distribution} attribute of the drift metrics: {@code input} or {@code prediction}.
   */
  public static final AttributeKey<String> DISTRIBUTION = stringKey("distribution");

  /** Watches nothing: versions without a baseline, or with monitoring off. */
  public static final VersionMonitor OFF = new VersionMonitor();

  private static final AttributeKey<Long> EVENT_VALUES = longKey("infergate.input.values");
  private static final AttributeKey<Long> EVENT_OUT_OF_RANGE =
      longKey("infergate.input.values.out_of_range");
  private static final AttributeKey<Double> EVENT_THRESHOLD =
      doubleKey("infergate.input.flag_threshold");

  private final boolean on;
  private final String name;
  private final VersionTelemetry telemetry;
  private final double flagThreshold;
  private final long flaggedLogIntervalNanos;
  private final AtomicLong nextFlaggedLogNanos = new AtomicLong(Long.MIN_VALUE);
  private final LongSupplier nanoTime;

  private final int inputIndex;
  private final FeatureBins bins;
  private final PredictedClasses classes;
  private final DriftWindow window;
  private final int minRows;
  private final long rowsPerBucket;

  // Attribute sets, built once: per feature, and per distribution.
  private final Attributes[] featureAttributes;
  private final Attributes inputAttributes;
  private final Attributes predictionAttributes;

  private VersionMonitor() {
    on = false;
    name = "";
    telemetry = null;
    flagThreshold = 0;
    flaggedLogIntervalNanos = 0;
    nanoTime = System::nanoTime;
    inputIndex = -1;
    bins = null;
    classes = PredictedClasses.NONE;
    window = null;
    minRows = 0;
    rowsPerBucket = 0;
    featureAttributes = new Attributes[0];
    inputAttributes = Attributes.empty();
    predictionAttributes = Attributes.empty();
  }

  private VersionMonitor(
      Baseline baseline,
      LoadedModel model,
      MonitoringConfig config,
      VersionTelemetry telemetry,
      LongSupplier nanoTime) {
    this.on = true;
    this.name = "model '" + telemetry.model() + "' version " + telemetry.version();
    this.telemetry = telemetry;
    this.flagThreshold = config.flagThreshold();
    this.flaggedLogIntervalNanos = config.flaggedLogInterval().toNanos();
    this.nanoTime = nanoTime;
    this.inputIndex = TensorSpec.indexOf(model.inputs(), baseline.input());
    if (inputIndex < 0) {
      throw new IllegalArgumentException(
          "input: "
              + baseline.input()
              + " (expected: an input of the signature: "
              + TensorSpec.names(model.inputs())
              + ")");
    }
    this.bins = FeatureBins.of(baseline, model.inputs().get(inputIndex));
    this.classes = PredictedClasses.of(baseline.predictions(), model.outputs());
    this.window =
        new DriftWindow(
            config.driftBuckets(),
            config.driftBucket().toNanos(),
            bins.bins(),
            classes.classes(),
            nanoTime);
    this.minRows = config.driftMinRows();
    this.rowsPerBucket = config.driftRowsPerBucket();
    Attributes version = telemetry.attributes();
    List<Baseline.Feature> features = baseline.features();
    this.featureAttributes = new Attributes[features.size()];
    for (int f = 0; f < featureAttributes.length; f++) {
      featureAttributes[f] = version.toBuilder().put(FEATURE, features.get(f).name()).build();
    }
    this.inputAttributes = version.toBuilder().put(DISTRIBUTION, "input").build();
    this.predictionAttributes = version.toBuilder().put(DISTRIBUTION, "prediction").build();
  }

  /**
   * The monitor of {@code model} against {@code baseline}, recording through {@code telemetry}.
   *
   * @throws IllegalArgumentException naming the baseline key that does not fit the signature
   */
  public static VersionMonitor of(
      Baseline baseline,
      LoadedModel model,
      MonitoringConfig config,
      VersionTelemetry telemetry,
      LongSupplier nanoTime) {
    return new VersionMonitor(baseline, model, config, telemetry, nanoTime);
  }

  /** Whether this version is watched. */
  public boolean on() {
    return on;
  }

  /**
   * Checks a call's inputs, already decoded and checked against the signature; returns whether the
   * call was flagged. Never throws on the call path.
   */
  public boolean inputs(HostTensor[] feeds, Span span) {
    if (!on) {
      return false;
    }
    HostTensor input = feeds[inputIndex];
    long count = input.elementCount();
    int features = bins.features();
    if (count == 0 || count % features != 0 || count > Integer.MAX_VALUE) {
      return false; // the signature allows it, the baseline cannot judge it
    }
    int values = (int) count;
    DriftWindow.Bucket bucket = window.current();
    AtomicLongArray binCounts = null;
    // Binning costs an atomic increment per value; a full bucket skips it and checks ranges only.
    if (bucket != null && bucket.bins().get(bucket.bins().length() - 1) < rowsPerBucket) {
      binCounts = bucket.bins();
    }
    long outOfRange = bins.scan(input, values, binCounts);
    if (binCounts != null) {
      binCounts.getAndAdd(binCounts.length() - 1, values / features);
    }
    boolean flagged = outOfRange > flagThreshold * values;
    telemetry.recordInputCheck(values, outOfRange, flagged);
    if (flagged) {
      flagged(span, values, outOfRange);
    }
    return flagged;
  }

  /**
   * Counts the classes predicted in a call's outputs ({@code fetch}: which output each is), when
   * the call asked for the baseline's prediction output.
   */
  public void predictions(HostTensor[] outputs, int[] fetch) {
    int output = classes.output();
    if (output < 0) {
      return;
    }
    for (int i = 0; i < fetch.length; i++) {
      if (fetch[i] == output) {
        DriftWindow.Bucket bucket = window.current();
        if (bucket != null && bucket.classes().get(classes.classes()) < rowsPerBucket) {
          classes.count(outputs[i], bucket.classes());
        }
        return;
      }
    }
  }

  private void flagged(Span span, long values, long outOfRange) {
    if (span.isRecording()) {
      span.addEvent(
          FLAGGED_EVENT,
          Attributes.of(
              EVENT_VALUES,
              values,
              EVENT_OUT_OF_RANGE,
              outOfRange,
              EVENT_THRESHOLD,
              flagThreshold));
    }
    if (flaggedLogIntervalNanos > 0) {
      long now = nanoTime.getAsLong();
      long next = nextFlaggedLogNanos.get();
      if ((next == Long.MIN_VALUE || now - next >= 0)
          && nextFlaggedLogNanos.compareAndSet(next, now + flaggedLogIntervalNanos)) {
        log.warn(
            "{}: a call had {} of {} input values outside the training range (flagged above {});"
                + " at most one such line per {} ms",
            name,
            outOfRange,
            values,
            flagThreshold,
            flaggedLogIntervalNanos / 1_000_000);
      }
    }
  }

  /** Values of feature {@code f} seen out of range since the version loaded. */
  public long featureOutOfRange(int f) {
    return bins.outOfRange(f);
  }

  /** The per-feature attribute sets: model, version, feature. */
  public Attributes featureAttributes(int f) {
    return featureAttributes[f];
  }

  /** Features watched. */
  public int features() {
    return featureAttributes.length;
  }

  /** {@code model, version, distribution=input}. */
  public Attributes inputAttributes() {
    return inputAttributes;
  }

  /** {@code model, version, distribution=prediction}. */
  public Attributes predictionAttributes() {
    return predictionAttributes;
  }

  /** The window's divergences from the baseline, computed now (when metrics are collected). */
  public Drift drift() {
    long[] binCounts = new long[bins.bins() + 1];
    long[] classCounts = new long[classes.classes() + 1];
    window.sum(binCounts, classCounts);
    long inputRows = binCounts[binCounts.length - 1];
    double[] featurePsi = null;
    double inputPsi = Double.NaN;
    double inputJs = Double.NaN;
    if (inputRows >= minRows) {
      int features = bins.features();
      featurePsi = new double[features];
      double psiSum = 0;
      double jsSum = 0;
      for (int f = 0; f < features; f++) {
        featurePsi[f] = bins.psi(f, binCounts, inputRows);
        psiSum += featurePsi[f];
        jsSum += bins.jensenShannon(f, binCounts, inputRows);
      }
      inputPsi = psiSum / features;
      inputJs = jsSum / features;
    }
    long predictedRows = classCounts[classCounts.length - 1];
    double predictionPsi = Double.NaN;
    double predictionJs = Double.NaN;
    if (classes.classes() > 0 && predictedRows >= minRows) {
      predictionPsi = classes.psi(classCounts, predictedRows);
      predictionJs = classes.jensenShannon(classCounts, predictedRows);
    }
    return new Drift(
        inputRows, predictedRows, inputPsi, inputJs, predictionPsi, predictionJs, featurePsi);
  }

  /**
   * The drift of the window: NaN (and no per-feature PSI) where it holds fewer than {@code
   * driftMinRows} rows.
   *
   * @param inputRows input rows in the window
   * @param predictedRows rows whose predicted class was counted
   * @param inputPsi the mean over features of each one's PSI
   * @param inputJensenShannon the mean over features of each one's Jensen–Shannon divergence
   * @param predictionPsi PSI of the predicted classes
   * @param predictionJensenShannon Jensen–Shannon divergence of the predicted classes
   * @param featurePsi per feature; null below the minimum
   */
  public record Drift(
      long inputRows,
      long predictedRows,
      double inputPsi,
      double inputJensenShannon,
      double predictionPsi,
      double predictionJensenShannon,
      double[] featurePsi) {}
}
