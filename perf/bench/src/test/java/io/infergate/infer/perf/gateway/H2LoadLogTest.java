package io.infergate.infer.perf.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class H2LoadLogTest {
  private static H2LoadLog parse(String text) throws IOException {
    return H2LoadLog.parse(new BufferedReader(new StringReader(text)));
  }

  @Test
  void readsStartStatusAndLatencyColumns() throws IOException {
    H2LoadLog log = parse("1795319173235403\t200\t48023\n1795319173235406\t200\t48069\n\n");

    assertThat(log.succeeded()).isEqualTo(2);
    assertThat(log.failed()).isZero();
    assertThat(log.startMicros()).containsExactly(1795319173235403L, 1795319173235406L);
    assertThat(log.latencyMicros()).containsExactly(48023, 48069);
  }

  @Test
  void countsNon2xxAndFailedStreamsAsFailures() throws IOException {
    H2LoadLog log = parse("100\t200\t5\n200\t415\t3\n300\t-1\t-1\n400\t200\t-1\n");

    assertThat(log.succeeded()).isEqualTo(1);
    assertThat(log.failed()).isEqualTo(3);
  }

  @Test
  void ignoresColumnsAddedByLaterVersions() throws IOException {
    assertThat(parse("100\t200\t5\textra\tmore\n").latencyMicros()).containsExactly(5);
  }

  @Test
  void sortsLatenciesWithoutTouchingFileOrder() throws IOException {
    H2LoadLog log = parse("1\t200\t30\n2\t200\t10\n3\t200\t20\n");

    assertThat(log.sortedLatencies()).containsExactly(10, 20, 30);
    assertThat(log.latencyMicros()).containsExactly(30, 10, 20);
  }

  @Test
  void growsPastItsInitialCapacity() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 70_000; i++) {
      text.append(i).append("\t200\t").append(i % 100).append('\n');
    }

    assertThat(parse(text.toString()).succeeded()).isEqualTo(70_000);
  }

  @Test
  void countsCompletionsByEndTime() throws IOException {
    // Ends at 110, 150, 300.
    H2LoadLog log = parse("100\t200\t10\n100\t200\t50\n250\t200\t50\n");

    assertThat(log.completedBetween(110, 300)).isEqualTo(2);
    assertThat(log.completedBetween(0, 1000)).isEqualTo(3);
    assertThat(log.completedBetween(151, 300)).isZero();
  }

  @Test
  void namesTheBadLine() {
    assertThatThrownBy(() -> parse("100\t200\t10\nnot a line\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("h2load log line 2");
  }
}
