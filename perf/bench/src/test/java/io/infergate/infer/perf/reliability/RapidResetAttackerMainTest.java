package io.infergate.infer.perf.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RapidResetAttackerMainTest {
  @Test
  void benchReadsTheTotalsTheAttackerPrintsLastInItsLog() {
    RapidResetAttackerMain.Totals first = new RapidResetAttackerMain.Totals(1, 2, 3, 4);
    RapidResetAttackerMain.Totals last =
        new RapidResetAttackerMain.Totals(3_179_000, 17_008, 15_300, 12);

    RapidResetAttackerMain.Totals read =
        RapidResetAttackerMain.Totals.parse(
            List.of(
                "attacking 127.0.0.1:4242",
                "[main] INFO something",
                first.line(),
                "12:00:00 " + last.line(),
                "trailing output"));

    assertThat(read).isEqualTo(last);
  }

  @Test
  void anAttackerThatPrintedNoTotalsCountsNothing() {
    assertThat(RapidResetAttackerMain.Totals.parse(List.of("attacking 127.0.0.1:4242")))
        .isEqualTo(RapidResetAttackerMain.Totals.NONE);
  }

  @Test
  void totalsAddCountByCount() {
    assertThat(
            new RapidResetAttackerMain.Totals(1, 2, 3, 4)
                .plus(new RapidResetAttackerMain.Totals(10, 20, 30, 40)))
        .isEqualTo(new RapidResetAttackerMain.Totals(11, 22, 33, 44));
  }
}
