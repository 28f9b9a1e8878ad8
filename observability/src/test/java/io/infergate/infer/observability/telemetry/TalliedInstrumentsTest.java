package io.infergate.infer.observability.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.observability.testing.InMemoryTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tallied counters and histograms against the SDK's own instruments, recorded alike and read by
 * a real reader: what a scrape or an export sees must not tell them apart.
 */
class TalliedInstrumentsTest {
  private static final String SCOPE = "test";
  private static final List<Double> BOUNDARIES = List.of(0.001, 0.01, 0.1, 1.0);
  private static final Attributes SERIES = Attributes.of(AttributeKey.stringKey("model"), "digits");

  private final InMemoryTelemetry telemetry = new InMemoryTelemetry();
  private final RecordingOpenTelemetry otel = (RecordingOpenTelemetry) telemetry.openTelemetry();

  /** The same SDK without the tallies: its histograms are the SDK's own. */
  private final OpenTelemetry sdk = otel.otel();

  @AfterEach
  void close() {
    telemetry.close();
  }

  @Test
  void aTalliedHistogramReadsAsTheSdksOwnWithTheSameRecords() {
    CallHistogram tallied = CallHistogram.of(otel, SCOPE, "tallied", "s", "d", BOUNDARIES);
    CallHistogram own = CallHistogram.of(sdk, SCOPE, "own", "s", "d", BOUNDARIES);
    HistogramSeries talliedSeries = tallied.series(SERIES);
    HistogramSeries ownSeries = own.series(SERIES);
    // Below, on and above each boundary (a bucket holds its upper boundary), and past the last.
    for (double value : new double[] {0, 0.0005, 0.001, 0.0011, 0.01, 0.05, 0.1, 0.5, 1.0, 7.5}) {
      talliedSeries.record(value);
      ownSeries.record(value);
    }

    Collection<MetricData> metrics = telemetry.metrics();
    HistogramPointData talliedPoint = point(metrics, "tallied");
    HistogramPointData ownPoint = point(metrics, "own");
    assertThat(talliedPoint.getCounts()).containsExactly(3L, 2L, 2L, 2L, 1L);
    assertThat(talliedPoint.getCounts()).isEqualTo(ownPoint.getCounts());
    assertThat(talliedPoint.getBoundaries()).isEqualTo(ownPoint.getBoundaries());
    assertThat(talliedPoint.getCount()).isEqualTo(10);
    assertThat(talliedPoint.getSum()).isCloseTo(ownPoint.getSum(), within());
    assertThat(talliedPoint.getAttributes()).isEqualTo(SERIES);
    MetricData metric = metric(metrics, "tallied");
    assertThat(metric.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(metric.getUnit()).isEqualTo("s");
    assertThat(metric.getInstrumentationScopeInfo().getName()).isEqualTo(SCOPE);
    assertThat(metric.getHistogramData().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.CUMULATIVE);

    // Cumulative: a second collection adds to the first.
    talliedSeries.record(0.02);
    assertThat(point(telemetry.metrics(), "tallied").getCounts())
        .containsExactly(3L, 2L, 3L, 2L, 1L);
  }

  @Test
  void aSeriesIsReportedFromItsFirstRecordAndAClosedHistogramNoMore() {
    CallHistogram tallied = CallHistogram.of(otel, SCOPE, "tallied", "s", "d", BOUNDARIES);
    HistogramSeries series = tallied.series(SERIES);
    assertThat(telemetry.metrics()).noneMatch(m -> m.getName().equals("tallied"));
    assertThat(tallied.series(SERIES)).isSameAs(series);

    series.record(0.5);
    assertThat(point(telemetry.metrics(), "tallied").getCount()).isEqualTo(1);

    tallied.close();
    assertThat(telemetry.metrics()).noneMatch(m -> m.getName().equals("tallied"));
  }

  @Test
  void withoutTalliesAHistogramIsTheSdksOwn() {
    CallHistogram own = CallHistogram.of(sdk, SCOPE, "own", "s", "d", BOUNDARIES);
    own.series(SERIES).record(0.5);

    assertThat(point(telemetry.metrics(), "own").getCount()).isEqualTo(1);
    assertThat(otel.histograms().produce(Resource.empty())).isEmpty();
  }

  @Test
  void talliedCountersReadAsMonotonicAndUpDownSums() {
    Meter meter = otel.getMeter(SCOPE);
    TalliedCounter calls = TalliedCounter.counter(meter, "calls", "{call}", "d");
    TalliedCounter inFlight = TalliedCounter.upDownCounter(meter, "in_flight", "{call}", "d");
    calls.series(SERIES).add(3);
    inFlight.series(SERIES).add(2);
    inFlight.series(SERIES).add(-1);

    Collection<MetricData> metrics = telemetry.metrics();
    SumData<?> callsSum = metric(metrics, "calls").getLongSumData();
    SumData<?> inFlightSum = metric(metrics, "in_flight").getLongSumData();
    assertThat(callsSum.isMonotonic()).isTrue();
    assertThat(inFlightSum.isMonotonic()).isFalse();
    assertThat(metric(metrics, "calls").getLongSumData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(3));
    assertThat(metric(metrics, "in_flight").getLongSumData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));

    calls.close();
    assertThat(telemetry.metrics()).noneMatch(m -> m.getName().equals("calls"));
  }

  @Test
  void withoutAReaderNothingIsTallied() {
    Tally series =
        TalliedCounter.counter(OpenTelemetry.noop().getMeter(SCOPE), "calls", "{call}", "d")
            .series(SERIES);
    series.add(5);

    assertThat(series.sum()).isZero();
    assertThat(series).isSameAs(Tally.OFF);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  private static HistogramPointData point(Collection<MetricData> metrics, String name) {
    return metric(metrics, name).getHistogramData().getPoints().iterator().next();
  }
}
