package io.infergate.infer.observability.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WarmupSettlingTest {
  @Test
  void settlesOnceTwoRoundsMediansAreWithinTenPercentAndEnoughCallsAnswered() {
    WarmupSettling settling = new WarmupSettling(300);

    assertThat(settling.round(latencies(100, 5_000), 100)).isFalse();
    // Within 10% of the round before, but only 200 calls answered so far.
    assertThat(settling.round(latencies(100, 4_800), 100)).isFalse();
    assertThat(settling.round(latencies(100, 4_500), 100)).isTrue();
    assertThat(settling.lastMedianNanos()).isEqualTo(4_500);
  }

  @Test
  void aMedianStillFallingByMoreThanTenPercentIsNotSettled() {
    WarmupSettling settling = new WarmupSettling(0);

    assertThat(settling.round(latencies(50, 10_000), 50)).isFalse();
    assertThat(settling.round(latencies(50, 8_000), 50)).isFalse();
    assertThat(settling.round(latencies(50, 6_000), 50)).isFalse();
    assertThat(settling.round(latencies(50, 5_700), 50)).isTrue();
  }

  @Test
  void usesTheMedianSoThatATailDoesNotHoldItBack() {
    WarmupSettling settling = new WarmupSettling(0);
    long[] spiky = latencies(100, 1_000);
    Arrays.fill(spiky, 90, 100, 50_000_000);

    settling.round(latencies(100, 1_050), 100);
    assertThat(settling.round(spiky, 100)).isTrue();
  }

  @Test
  void aRoundWithoutAnswersStartsTheComparisonAgain() {
    WarmupSettling settling = new WarmupSettling(0);

    settling.round(latencies(10, 1_000), 10);
    assertThat(settling.round(new long[10], 0)).isFalse();
    assertThat(settling.round(latencies(10, 1_000), 10)).isFalse();
    assertThat(settling.round(latencies(10, 1_000), 10)).isTrue();
  }

  private static long[] latencies(int count, long nanos) {
    long[] values = new long[count];
    Arrays.fill(values, nanos);
    return values;
  }
}
