package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** ghz's reporter arithmetic on known latencies. */
class ReportTest {
  private static Report report(boolean countErrors, long... latenciesMs) {
    Recorder rec = new Recorder(0, 1_700_000_000_000_000_000L, 0, false);
    for (int i = 0; i < latenciesMs.length; i++) {
      long lat = latenciesMs[i] * 1_000_000L;
      Status st = i % 5 == 4 ? Status.INTERNAL.withDescription("boom") : Status.OK;
      rec.sent(0);
      rec.record(0, 0, lat, st, null);
    }
    ReportOptions o = new ReportOptions();
    o.countErrors = countErrors;
    return new Report(o, rec, "normal", 2_000_000_000L, null);
  }

  @Test
  void percentilesUseGhzsRankRuleOverOkCalls() {
    // 10 calls, every 5th fails: OK latencies are 1,2,3,4,6,7,8,9 ms
    Report r = report(false, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(r.count).isEqualTo(10);
    assertThat(r.fastestNanos).isEqualTo(1_000_000L);
    assertThat(r.slowestNanos).isEqualTo(9_000_000L);
    assertThat(r.averageNanos).isEqualTo(5_500_000L); // over all calls, errors included
    assertThat(r.rps).isEqualTo(5.0);
    // ghz: ip = p/100 * 8; index = floor(ip), minus one when ip is whole
    assertThat(r.percentile(10)).isEqualTo(1_000_000L);
    assertThat(r.percentile(25)).isEqualTo(2_000_000L);
    assertThat(r.percentile(50)).isEqualTo(4_000_000L);
    assertThat(r.percentile(75)).isEqualTo(7_000_000L);
    assertThat(r.percentile(99)).isEqualTo(9_000_000L);
    assertThat(r.statusDist).containsEntry("OK", 8L).containsEntry("Internal", 2L);
    assertThat(r.errorDist).containsEntry("rpc error: code = Internal desc = boom", 2);
  }

  @Test
  void countErrorsIncludesFailedCallsInTheDistribution() {
    Report r = report(true, 1, 2, 3, 4, 50);
    assertThat(r.slowestNanos).isEqualTo(50_000_000L);
  }

  @Test
  void histogramHasElevenBucketsCountingUpToEachMark() {
    Report r = report(false, 10, 20, 30, 40, 99, 60, 70, 80, 90, 100, 110);
    assertThat(r.histogramMarks).hasSize(11);
    assertThat(r.histogramMarks[0]).isEqualTo(0.01);
    assertThat(r.histogramMarks[10]).isEqualTo(0.11);
    long sum = 0;
    for (long c : r.histogramCounts) {
      sum += c;
    }
    assertThat(sum).isEqualTo(9);
    assertThat(r.histogramCounts[0]).isEqualTo(1);
    assertThat(r.histogramFrequencies[0]).isEqualTo(1 / 9.0);
  }

  @Test
  void anEmptyRunHasNullDistributionsAsGhz() {
    Report r = report(false);
    String json = r.toJson();
    assertThat(json).contains("\"latencyDistribution\":null,\"histogram\":null,\"details\":null");
    assertThat(json).contains("\"errorDistribution\":{},\"statusCodeDistribution\":{}");
  }

  @Test
  void goErrorStringsDropGrpcJavaTimings() {
    assertThat(
            Recorder.errorText(
                Status.DEADLINE_EXCEEDED.withDescription(
                    "deadline exceeded after 0.019s. [remote_addr=x]")))
        .isEqualTo("rpc error: code = DeadlineExceeded desc = context deadline exceeded");
    assertThat(Recorder.errorText(Status.UNAVAILABLE.withDescription("io exception")))
        .isEqualTo("rpc error: code = Unavailable desc = io exception");
  }

  @Test
  void timestampsAreRfc3339WithTrimmedNanoseconds() {
    assertThat(Report.rfc3339Nano(1_700_000_000_123_400_000L))
        .matches("2023-11-1\\dT\\d\\d:\\d\\d:20\\.1234(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(Report.rfc3339Nano(1_700_000_000_000_000_000L))
        .matches("2023-11-1\\dT\\d\\d:\\d\\d:20(Z|[+-]\\d\\d:\\d\\d)");
  }
}
