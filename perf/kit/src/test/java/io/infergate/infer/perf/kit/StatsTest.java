package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {
  private static final long[] ONE_TO_HUNDRED = new long[100];

  static {
    for (int i = 0; i < 100; i++) {
      ONE_TO_HUNDRED[i] = i + 1;
    }
  }

  @Test
  void percentileIsTheNearestRank() {
    assertThat(Stats.percentile(ONE_TO_HUNDRED, 50)).isEqualTo(50);
    assertThat(Stats.percentile(ONE_TO_HUNDRED, 90)).isEqualTo(90);
    assertThat(Stats.percentile(ONE_TO_HUNDRED, 99)).isEqualTo(99);
    assertThat(Stats.percentile(ONE_TO_HUNDRED, 99.9)).isEqualTo(100);
    assertThat(Stats.percentile(ONE_TO_HUNDRED, 100)).isEqualTo(100);
    assertThat(Stats.percentile(ONE_TO_HUNDRED, 0)).isEqualTo(1);
  }

  @Test
  void percentileOfFewSamplesRoundsUp() {
    long[] sorted = {10, 20, 30};

    assertThat(Stats.percentile(sorted, 50)).isEqualTo(20);
    assertThat(Stats.percentile(sorted, 34)).isEqualTo(20);
    assertThat(Stats.percentile(sorted, 33)).isEqualTo(10);
    assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void percentileRejectsNoSamplesAndOutOfRange() {
    assertThatThrownBy(() -> Stats.percentile(new long[0], 50)).hasMessage("no samples");
    assertThatThrownBy(() -> Stats.percentile(ONE_TO_HUNDRED, 101))
        .hasMessage("percentile: 101.0 (expected: 0..100)");
  }
}
