package io.infergate.infer.observability.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The histograms that calls record into ({@link CallHistogram}), kept by the process as per-series
 * bucket counts and handed to every reader of the SDK, as cumulative explicit-bucket histograms,
 * when it collects ({@link MetricProducer}, registered on the meter provider when it is built).
 *
 * <p>Why not the SDK's own histogram: a synchronous record looks its series up in each reader's
 * storage and updates it under that series' lock, once per reader (Prometheus and OTLP: twice). A
 * record here is a scan of the boundaries and two uncontended atomic adds. What is given up is what
 * the process does not use: exemplars (its spans are never made current) and min/max.
 */
public final class TalliedHistograms implements MetricProducer {

  private final Clock clock;
  private final long startEpochNanos;
  private final List<Instrument> instruments = new CopyOnWriteArrayList<>();

  private TalliedHistograms(Clock clock) {
    this.clock = clock;
    this.startEpochNanos = clock.now();
  }

  /** Histograms for a meter provider to register as one of its producers. */
  public static TalliedHistograms create() {
    return new TalliedHistograms(Clock.getDefault());
  }

  Instrument instrument(
      String scope, String name, String unit, String description, List<Double> boundaries) {
    Instrument instrument =
        new Instrument(InstrumentationScopeInfo.create(scope), name, unit, description, boundaries);
    instruments.add(instrument);
    return instrument;
  }

  @Override
  public Collection<MetricData> produce(Resource resource) {
    long now = clock.now();
    List<MetricData> metrics = new ArrayList<>(instruments.size());
    for (Instrument instrument : instruments) {
      List<HistogramPointData> points = instrument.points(startEpochNanos, now);
      if (!points.isEmpty()) {
        metrics.add(
            new Histogram(
                resource,
                instrument.scope,
                instrument.name,
                instrument.description,
                instrument.unit,
                HistogramData.create(AggregationTemporality.CUMULATIVE, points)));
      }
    }
    return metrics;
  }

  /** One histogram: its name and boundaries, and a tally per attribute set. */
  final class Instrument {
    private final InstrumentationScopeInfo scope;
    private final String name;
    private final String unit;
    private final String description;
    private final double[] boundaries;
    private final List<Double> boundaryList;
    private final Map<Attributes, Series> series = new ConcurrentHashMap<>();

    private Instrument(
        InstrumentationScopeInfo scope,
        String name,
        String unit,
        String description,
        List<Double> boundaries) {
      this.scope = scope;
      this.name = name;
      this.unit = unit;
      this.description = description;
      this.boundaryList = List.copyOf(boundaries);
      this.boundaries = boundaries.stream().mapToDouble(Double::doubleValue).toArray();
    }

    HistogramSeries series(Attributes attributes) {
      return series.computeIfAbsent(attributes, a -> new Series(boundaries.length + 1));
    }

    void close() {
      instruments.remove(this);
    }

    private List<HistogramPointData> points(long start, long now) {
      List<HistogramPointData> points = new ArrayList<>(series.size());
      series.forEach(
          (attributes, tally) -> {
            if (tally.updated) {
              points.add(tally.point(start, now, attributes, boundaryList));
            }
          });
      return points;
    }

    /** Bucket counts and sum of one attribute set. */
    private final class Series implements HistogramSeries {
      private final LongAdder[] counts;
      private final DoubleAdder sum = new DoubleAdder();

      /** Set after the first record: the record happens-before a collection that sees it. */
      private volatile boolean updated;

      private Series(int buckets) {
        counts = new LongAdder[buckets];
        for (int i = 0; i < buckets; i++) {
          counts[i] = new LongAdder();
        }
      }

      @Override
      public void record(double value) {
        // Explicit buckets hold (previous boundary, boundary]; the last everything above.
        int bucket = 0;
        while (bucket < boundaries.length && value > boundaries[bucket]) {
          bucket++;
        }
        counts[bucket].increment();
        sum.add(value);
        if (!updated) {
          updated = true;
        }
      }

      private HistogramPointData point(
          long start, long now, Attributes attributes, List<Double> boundaryList) {
        List<Long> bucketCounts = new ArrayList<>(counts.length);
        for (LongAdder bucket : counts) {
          bucketCounts.add(bucket.sum());
        }
        // Read apart, buckets and sum can disagree by the records in between; the next collection
        // catches up.
        return HistogramPointData.create(
            start, now, attributes, sum.sum(), false, 0, false, 0, boundaryList, bucketCounts);
      }
    }
  }

  /** A histogram as the SDK's readers take it. */
  private record Histogram(
      Resource resource,
      InstrumentationScopeInfo scope,
      String name,
      String description,
      String unit,
      HistogramData data)
      implements MetricData {
    @Override
    public Resource getResource() {
      return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return scope;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public String getDescription() {
      return description;
    }

    @Override
    public String getUnit() {
      return unit;
    }

    @Override
    public MetricDataType getType() {
      return MetricDataType.HISTOGRAM;
    }

    @Override
    public Data<?> getData() {
      return data;
    }
  }
}
