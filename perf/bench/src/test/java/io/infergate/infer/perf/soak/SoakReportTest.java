package io.infergate.infer.perf.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.infergate.infer.perf.kit.ProcessStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SoakReportTest {
  private static final SoakReport.Header HEADER =
      new SoakReport.Header(
          "now", "0.1 0.2 0.3", "0.4 0.5 0.6", "2 CPUs", "server", "load", "PT20S");

  @Test
  void slopeIsMegabytesPerMinuteOverTheSecondHalfOnly() {
    // Samples every 5 s for 4 minutes: RSS rises 100 MB/min in the first two minutes (warm-up),
    // then 1 MB/min; the second half is 2.0 to 4.0 minutes.
    List<Sample> samples = new ArrayList<>();
    for (int seconds = 0; seconds <= 240; seconds += 5) {
      double minutes = seconds / 60.0;
      double rssMb = minutes <= 2 ? 500 + 100 * minutes : 700 + (minutes - 2);
      samples.add(sample(seconds, rssMb, 25));
    }
    SoakReport report = report(samples, List.of(swap(2, 150)), Map.of(Status.Code.OK, 10L));

    List<Sample> secondHalf = report.secondHalf();

    assertThat(secondHalf.get(0).elapsed()).isEqualTo(Duration.ofSeconds(120));
    assertThat(secondHalf).hasSize(25);
    assertThat(SoakReport.slope(secondHalf, Sample::rssMb)).isCloseTo(1.0, within(1e-3));
    assertThat(SoakReport.slope(secondHalf, s -> s.process().threads())).isZero();
  }

  @Test
  void hasARowForTheStartTheSampleClosestToEachMinuteAndTheEnd() {
    // Samples at 0, 7, 14, ... 126 s: minute 1 is the 63 s sample, minute 2 the 119 s one, and
    // the last sample, 126 s, ends the table.
    List<Sample> samples = new ArrayList<>();
    for (int seconds = 0; seconds <= 126; seconds += 7) {
      samples.add(sample(seconds, 600, 25));
    }
    SoakReport report = report(samples, List.of(swap(2, 150)), Map.of(Status.Code.OK, 10L));

    assertThat(report.minuteRows())
        .extracting(row -> row.label() + "@" + row.sample().elapsed().toSeconds())
        .containsExactly("start@0", "1@63", "2@119", "end@126");
  }

  @Test
  void passesOnlyWithNoFailedCallAndEverySwapCompleted() {
    List<Sample> samples = List.of(sample(0, 600, 25), sample(60, 600, 25));
    Map<Status.Code, Long> allOk = Map.of(Status.Code.OK, 1000L);
    Map<Status.Code, Long> oneFailed = Map.of(Status.Code.OK, 999L, Status.Code.UNAVAILABLE, 1L);
    Swap completed = swap(2, 150);
    Swap neverAnswered = new Swap(3, Duration.ofSeconds(40), null);

    assertThat(report(samples, List.of(completed), allOk).passed()).isTrue();
    assertThat(report(samples, List.of(completed), oneFailed).passed()).isFalse();
    assertThat(report(samples, List.of(), allOk).passed()).isFalse();
    assertThat(report(samples, List.of(completed, neverAnswered), allOk).passed()).isFalse();
  }

  @Test
  void reportsFailuresByCodeWithTheFirstDescription() {
    List<Sample> samples = List.of(sample(0, 600, 25), sample(60, 612, 25));
    Map<Status.Code, Long> calls =
        Map.of(Status.Code.OK, 990L, Status.Code.NOT_FOUND, 7L, Status.Code.UNAVAILABLE, 3L);
    SoakReport report =
        new SoakReport(
            HEADER,
            samples,
            List.of(swap(2, 150), swap(3, 400)),
            calls,
            Map.of(Status.Code.NOT_FOUND, "model 'digits' version 0 not found"),
            new TreeMap<>(Map.of(1L, 500L, 2L, 490L)),
            new ServerLog(3, 3, List.of("[main] WARN x - slow")));

    String markdown = report.markdown();

    assertThat(report.failedCalls()).isEqualTo(10);
    assertThat(markdown)
        .contains("- calls: 1000, of which OK 990, **failed 10**")
        .contains("NOT_FOUND 7, first: model 'digits' version 0 not found")
        .contains("UNAVAILABLE 3")
        .contains("swaps: 2 completed of 2 published")
        .contains("p50 150 ms, p99 400 ms")
        .contains("OK answers by model_version: {1=500, 2=490}")
        .contains("RSS: 612.0 MB at 60 s, 612.0 MB at the end")
        .contains(
            "server log: 3 versions loaded, 3 unloaded (the last one at shutdown); 1 WARN/ERROR")
        .contains("**FAIL**");
  }

  @Test
  void nearestRankPercentileOfFewValuesIsOneOfThem() {
    List<Long> times = List.of(100L, 200L, 300L, 400L, 1000L);

    assertThat(SoakReport.nearestRank(times, 50)).isEqualTo(300);
    assertThat(SoakReport.nearestRank(times, 99)).isEqualTo(1000);
    assertThat(SoakReport.nearestRank(List.of(7L), 99)).isEqualTo(7);
  }

  private static SoakReport report(
      List<Sample> samples, List<Swap> swaps, Map<Status.Code, Long> calls) {
    return new SoakReport(
        HEADER,
        samples,
        swaps,
        calls,
        Map.of(),
        new TreeMap<>(Map.of(1L, 1L)),
        new ServerLog(1, 1, List.of()));
  }

  private static Sample sample(int seconds, double rssMb, int threads) {
    Histogram latency = new Histogram(3);
    latency.recordValue(1000 + seconds);
    long rssKb = Math.round(rssMb * 1024);
    return new Sample(
        Duration.ofSeconds(seconds),
        new ProcessStatus(rssKb, rssKb - 200 * 1024, 200 * 1024, threads),
        80,
        new JvmMemory(350 * 1024, 70 * 1024),
        new GcLog("Serial", 20 * 1024, seconds, 0),
        seconds / 20,
        seconds * 1000L,
        0,
        latency);
  }

  private static Swap swap(long version, long millis) {
    return new Swap(version, Duration.ofSeconds(20 * (version - 1)), Duration.ofMillis(millis));
  }
}
