package io.infergate.infer.perf.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class H2LoadSummaryTest {
  private static final String OUTPUT =
      "starting benchmark...\n"
          + "spawning thread #0: 4 total client(s). Timing-based test with 1s of warm-up time and"
          + " 3s of main duration for measurements.\n"
          + "Application protocol: h2c\n"
          + "\n"
          + "finished in 4.00s, 11013.33 req/s, 1.47MB/s\n"
          + "requests: 33040 total, 33104 started, 33040 done, 33030 succeeded, 10 failed, 2"
          + " errored, 0 timeout\n"
          + "status codes: 33030 2xx, 0 3xx, 10 4xx, 0 5xx\n";

  @Test
  void readsTheRateAndTheRequestCounts() {
    H2LoadSummary summary = H2LoadSummary.parse(OUTPUT);

    assertThat(summary.requestsPerSecond()).isEqualTo(11013.33);
    assertThat(summary.done()).isEqualTo(33040);
    assertThat(summary.succeeded()).isEqualTo(33030);
    assertThat(summary.failed()).isEqualTo(10);
    assertThat(summary.errored()).isEqualTo(2);
  }

  @Test
  void readsADurationInMilliseconds() {
    assertThat(
            H2LoadSummary.parse(OUTPUT.replace("finished in 4.00s", "finished in 912.43ms"))
                .requestsPerSecond())
        .isEqualTo(11013.33);
  }

  @Test
  void failsWhenTheLinesAreMissing() {
    assertThatThrownBy(() -> H2LoadSummary.parse("connect: Connection refused\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Connection refused");
  }
}
