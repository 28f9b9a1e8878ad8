package io.infergate.infer.modelserver.monitoring;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.infergate.infer.modelserver.backend.ElementType;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.backend.TensorSpec;
import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one model version's inputs and predictions against its training {@link Baseline}.
 *
 * <p>Per call, {@link #inputs} makes one pass over the input tensor as decoded (its little-endian
 * bytes, read in place: no copy, no boxing, no allocation per value): each value is checked against
 * its feature's training range and counted into its feature's histogram bin in the present {@link
 * DriftWindow} bucket (until the bucket holds {@code driftRowsPerBucket} rows: past that, binning
 * waits for the next bucket). A call with more than {@code flagThreshold} of its values out of
 * range is flagged: counted, and marked by a span event on its SERVER span. {@link #predictions}
 * counts the rows' predicted classes. Both are lock-free; the divergences are computed by {@link
 * #drift} when metrics are collected, never on the call path.
 */
public final class VersionMonitor {
  private static final Logger log = LoggerFactory.getLogger(VersionMonitor.class);

  /** The span event of a flagged call. */
  public static final String FLAGGED_EVENT = "infergate.input.out_of_range";

  private static final AttributeKey<Long> EVENT_VALUES = longKey("infergate.input.values");
  private static final AttributeKey<Long> EVENT_OUT_OF_RANGE =
      longKey("infergate.input.values.out_of_range");
  private static final AttributeKey<Double> EVENT_THRESHOLD =
      doubleKey("infergate.input.flag_threshold");

  /** The {@code feature} attribute of the per-feature metrics. */
  public static final AttributeKey<String> FEATURE = stringKey("feature");

  /**
   * The {@code distribution} attribute of the drift metrics: {@code input} or {@code prediction}.
   */
  public static final AttributeKey<String> DISTRIBUTION = stringKey("distribution");

  /** Watches nothing: versions without a baseline, or with monitoring off. */
  public static final VersionMonitor OFF = new VersionMonitor();

  private final boolean on;
  private final String name;
  private final VersionTelemetry telemetry;
  private final double flagThreshold;
  private final long flaggedLogIntervalNanos;
  private final AtomicLong nextFlaggedLogNanos = new AtomicLong(Long.MIN_VALUE);
  private final LongSupplier nanoTime;

  // The input: which feed, how its elements are read, and per feature its range and bins.
  private final int inputIndex;
  private final ElementType inputType;
  private final int features;
  private final double[] min;
  private final double[] max;

  /** Every feature's bin edges, one after another; feature f's are {@code [edgeStart[f], +1)}. */
  private final double[] edges;

  private final int[] edgeStart;

  /** Where feature f's bins start among all bins (each feature has its edges + 1 bins). */
  private final int[] binStart;

  private final AtomicLongArray featureOutOfRange;

  // The prediction: which output, and whether it holds classes or per-class scores.
  private final int predictionOutput;
  private final boolean predictionScores;
  private final int classes;

  private final DriftWindow window;
  private final int minRows;
  private final long rowsPerBucket;
  private final double[] baselineBinShares;
  private final double[] baselineClassShares;

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
    inputType = null;
    features = 0;
    min = max = edges = baselineBinShares = baselineClassShares = new double[0];
    edgeStart = binStart = new int[1];
    featureOutOfRange = new AtomicLongArray(0);
    predictionOutput = -1;
    predictionScores = false;
    classes = 0;
    window = null;
    minRows = 0;
    rowsPerBucket = 0;
    featureAttributes = new Attributes[0];
    inputAttributes = predictionAttributes = Attributes.empty();
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
    TensorSpec input = model.inputs().get(inputIndex);
    this.inputType = input.type();
    if (inputType == ElementType.BOOL) {
      throw new IllegalArgumentException(
          "input: " + baseline.input() + " is BOOL (expected: a numeric input)");
    }
    List<Baseline.Feature> stats = baseline.features();
    this.features = stats.size();
    long[] shape = input.shape();
    long last = shape.length == 0 ? 1 : shape[shape.length - 1];
    if (last != -1 && last != features) {
      throw new IllegalArgumentException(
          "features: "
              + features
              + " (expected: "
              + last
              + ", the last dimension of input '"
              + input.name()
              + "' "
              + input.shapeText()
              + ")");
    }
    this.min = new double[features];
    this.max = new double[features];
    this.edgeStart = new int[features + 1];
    this.binStart = new int[features + 1];
    for (int f = 0; f < features; f++) {
      Baseline.Feature feature = stats.get(f);
      min[f] = feature.min();
      max[f] = feature.max();
      edgeStart[f + 1] = edgeStart[f] + feature.binEdges().length;
      binStart[f + 1] = binStart[f] + feature.binEdges().length + 1;
    }
    this.edges = new double[edgeStart[features]];
    this.baselineBinShares = new double[binStart[features]];
    for (int f = 0; f < features; f++) {
      Baseline.Feature feature = stats.get(f);
      System.arraycopy(feature.binEdges(), 0, edges, edgeStart[f], feature.binEdges().length);
      long total = Baseline.total(feature.binCounts());
      for (int b = 0; b < feature.binCounts().length; b++) {
        baselineBinShares[binStart[f] + b] = (double) feature.binCounts()[b] / total;
      }
    }
    this.featureOutOfRange = new AtomicLongArray(features);

    Baseline.Predictions predictions = baseline.predictions();
    int output = -1;
    boolean scores = false;
    int k = 0;
    double[] classShares = new double[0];
    if (predictions != null) {
      output = TensorSpec.indexOf(model.outputs(), predictions.output());
      if (output < 0) {
        throw new IllegalArgumentException(
            "predictions.output: "
                + predictions.output()
                + " (expected: an output of the signature: "
                + TensorSpec.names(model.outputs())
                + ")");
      }
      TensorSpec spec = model.outputs().get(output);
      scores = spec.type() == ElementType.FP32 || spec.type() == ElementType.FP64;
      k = predictions.classCounts().length;
      classShares = new double[k];
      long total = Baseline.total(predictions.classCounts());
      for (int c = 0; c < k; c++) {
        classShares[c] = (double) predictions.classCounts()[c] / total;
      }
    }
    this.predictionOutput = output;
    this.predictionScores = scores;
    this.classes = k;
    this.baselineClassShares = classShares;

    this.window =
        new DriftWindow(
            config.driftBuckets(),
            config.driftBucket().toNanos(),
            binStart[features],
            classes,
            nanoTime);
    this.minRows = config.driftMinRows();
    this.rowsPerBucket = config.driftRowsPerBucket();
    Attributes version = telemetry.attributes();
    this.featureAttributes = new Attributes[features];
    for (int f = 0; f < features; f++) {
      featureAttributes[f] = version.toBuilder().put(FEATURE, stats.get(f).name()).build();
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
    if (count == 0 || count % features != 0 || count > Integer.MAX_VALUE) {
      return false; // the signature allows it, the baseline cannot judge it
    }
    int values = (int) count;
    int rows = values / features;
    DriftWindow.Bucket bucket = window.current();
    AtomicLongArray bins = null;
    // Binning costs an atomic increment per value; a full bucket skips it and checks ranges only.
    if (bucket != null && bucket.bins.get(bucket.bins.length() - 1) < rowsPerBucket) {
      bins = bucket.bins;
    }
    ByteBuffer data = input.data();
    long outOfRange =
        switch (inputType) {
          case FP32 -> scanFloats(data, values, bins);
          case FP64 -> scanDoubles(data, values, bins);
          case INT32 -> scanInts(data, values, bins);
          case INT64 -> scanLongs(data, values, bins);
          case UINT8 -> scanBytes(data, values, bins);
          case BOOL -> 0; // refused when the version loaded
        };
    if (bins != null) {
      bins.getAndAdd(bins.length() - 1, rows);
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
    if (predictionOutput < 0) {
      return;
    }
    for (int i = 0; i < fetch.length; i++) {
      if (fetch[i] == predictionOutput) {
        DriftWindow.Bucket bucket = window.current();
        if (bucket != null && bucket.classes.get(classes) < rowsPerBucket) {
          countClasses(outputs[i], bucket.classes);
        }
        return;
      }
    }
  }

  private long scanFloats(ByteBuffer data, int values, AtomicLongArray bins) {
    long outOfRange = 0;
    for (int i = 0, f = 0; i < values; i++) {
      outOfRange += observe(f, data.getFloat(i << 2), bins);
      if (++f == features) {
        f = 0;
      }
    }
    return outOfRange;
  }

  private long scanDoubles(ByteBuffer data, int values, AtomicLongArray bins) {
    long outOfRange = 0;
    for (int i = 0, f = 0; i < values; i++) {
      outOfRange += observe(f, data.getDouble(i << 3), bins);
      if (++f == features) {
        f = 0;
      }
    }
    return outOfRange;
  }

  private long scanInts(ByteBuffer data, int values, AtomicLongArray bins) {
    long outOfRange = 0;
    for (int i = 0, f = 0; i < values; i++) {
      outOfRange += observe(f, data.getInt(i << 2), bins);
      if (++f == features) {
        f = 0;
      }
    }
    return outOfRange;
  }

  private long scanLongs(ByteBuffer data, int values, AtomicLongArray bins) {
    long outOfRange = 0;
    for (int i = 0, f = 0; i < values; i++) {
      outOfRange += observe(f, data.getLong(i << 3), bins);
      if (++f == features) {
        f = 0;
      }
    }
    return outOfRange;
  }

  private long scanBytes(ByteBuffer data, int values, AtomicLongArray bins) {
    long outOfRange = 0;
    for (int i = 0, f = 0; i < values; i++) {
      outOfRange += observe(f, data.get(i) & 0xff, bins);
      if (++f == features) {
        f = 0;
      }
    }
    return outOfRange;
  }

  /** Checks one value of feature {@code f} and counts it into its bin; 1 if out of range. */
  private int observe(int f, double value, AtomicLongArray bins) {
    int outOfRange = 0;
    if (!(value >= min[f] && value <= max[f])) { // NaN is out of range too
      featureOutOfRange.getAndIncrement(f);
      outOfRange = 1;
    }
    if (bins != null) {
      bins.getAndIncrement(binStart[f] + bin(f, value));
    }
    return outOfRange;
  }

  /** How many of feature {@code f}'s edges are at or below {@code value} (binary search). */
  private int bin(int f, double value) {
    int low = edgeStart[f];
    int high = edgeStart[f + 1];
    int first = low;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (edges[middle] <= value) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low - first;
  }

  private void countClasses(HostTensor output, AtomicLongArray counts) {
    ByteBuffer data = output.data();
    long[] shape = output.shape();
    if (shape.length == 0) {
      return;
    }
    int rows = (int) shape[0];
    int counted = 0;
    if (predictionScores) {
      long width = output.elementCount() / Math.max(rows, 1);
      if (width != classes) {
        return;
      }
      boolean doubles = output.type() == ElementType.FP64;
      for (int r = 0; r < rows; r++) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          int i = r * classes + c;
          double score = doubles ? data.getDouble(i << 3) : data.getFloat(i << 2);
          if (score > bestScore) {
            bestScore = score;
            best = c;
          }
        }
        counts.getAndIncrement(best);
        counted++;
      }
    } else {
      for (int r = 0; r < rows; r++) {
        long c =
            switch (output.type()) {
              case INT64 -> data.getLong(r << 3);
              case INT32 -> data.getInt(r << 2);
              case UINT8 -> data.get(r) & 0xff;
              default -> -1;
            };
        if (c >= 0 && c < classes) {
          counts.getAndIncrement((int) c);
          counted++;
        }
      }
    }
    counts.getAndAdd(classes, counted);
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
    return featureOutOfRange.get(f);
  }

  /** The per-feature attribute sets: model, version, feature. */
  public Attributes featureAttributes(int f) {
    return featureAttributes[f];
  }

  /** Features watched. */
  public int features() {
    return features;
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
    long[] bins = new long[binStart[features] + 1];
    long[] predicted = new long[classes + 1];
    window.sum(bins, predicted);
    long inputRows = bins[bins.length - 1];
    long valuesPerFeature = inputRows;
    double[] featurePsi = null;
    double inputPsi = Double.NaN;
    double inputJs = Double.NaN;
    if (inputRows >= minRows) {
      featurePsi = new double[features];
      double psiSum = 0;
      double jsSum = 0;
      for (int f = 0; f < features; f++) {
        featurePsi[f] =
            Divergences.psi(
                bins, binStart[f], binStart[f + 1], valuesPerFeature, baselineBinShares);
        psiSum += featurePsi[f];
        jsSum +=
            Divergences.jensenShannon(
                bins, binStart[f], binStart[f + 1], valuesPerFeature, baselineBinShares);
      }
      inputPsi = psiSum / features;
      inputJs = jsSum / features;
    }
    long predictedRows = predicted[classes];
    double predictionPsi = Double.NaN;
    double predictionJs = Double.NaN;
    if (classes > 0 && predictedRows >= minRows) {
      predictionPsi = Divergences.psi(predicted, 0, classes, predictedRows, baselineClassShares);
      predictionJs =
          Divergences.jensenShannon(predicted, 0, classes, predictedRows, baselineClassShares);
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
