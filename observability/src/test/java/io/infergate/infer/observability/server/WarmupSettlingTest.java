package io.infergate.infer.observability.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmupSettlingTest {
  @Test
  void settlesOnceTwoRoundsMediansAreWithinTenPercentAndEnoughCallsAnswered() {
    WarmupSettling settling = new WarmupSettling(300);

    // The second round is within 10% of the first, but only 200 calls answered by then.
    assertThat(rounds(settling, 100, 5_000, 4_800, 4_500)).containsExactly(false, false, true);
    assertThat(settling.lastMedianNanos()).isEqualTo(4_500);
  }

  @Test
  void aMedianStillFallingByMoreThanTenPercentIsNotSettled() {
    assertThat(rounds(new WarmupSettling(0), 50, 10_000, 8_000, 6_000, 5_700))
        .containsExactly(false, false, false, true);
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

    rounds(settling, 10, 1_000);
    assertThat(settling.round(new long[10], 0)).isFalse();
    assertThat(rounds(settling, 10, 1_000, 1_000)).containsExactly(false, true);
  }

  /**
   * Feeds {@code settling} one round per median, each of {@code calls} answers that all took it;
   * whether each round settled.
   */
  private static List<Boolean> rounds(WarmupSettling settling, int calls, long... medianNanos) {
    List<Boolean> settled = new ArrayList<>();
    for (long nanos : medianNanos) {
      settled.add(settling.round(latencies(calls, nanos), calls));
    }
    return settled;
  }

  private static long[] latencies(int count, long nanos) {
    long[] values = new long[count];
    Arrays.fill(values, nanos);
    return values;
  }
}
