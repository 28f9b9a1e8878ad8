package io.infergate.infer.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static final List<Round> ROUNDS =
      List.of(
          round(1, 10_000, 4_000),
          round(16, 20_000, 15_000),
          round(1, 12_000, 7_200),
          round(16, 18_000, 9_000),
          round(1, 8_000, 6_000));

  @Test
  void summaryReportsMediansAndTheRatioOfMedians() {
    String table = ResultTable.summary(ROUNDS);

    assertThat(table.lines().toList())
        .hasSize(4)
        .element(2)
        // A: 8000, 10000, 12000; B: 4000, 6000, 7200; ratios 0.40, 0.60, 0.75.
        .isEqualTo(
            "| 1 | 3 | 10000 (8000–12000) | 6000 (4000–7200) | **0.60** (0.40–0.75)"
                + " | 50 / 150 | 200 / 600 | 60.0 | 300.0 |");
    assertThat(table.lines().toList().get(3))
        .startsWith("| 16 | 2 | 19000 (18000–20000) | 12000 (9000–15000) | **0.63** (0.50–0.75)");
  }

  @Test
  void roundsAreNumberedPerConcurrencyInRunOrder() {
    List<String> lines = ResultTable.rounds(ROUNDS).lines().toList();

    assertThat(lines).hasSize(7);
    assertThat(lines.get(2))
        .startsWith("| 1 | 1 | 10000 | 4000 | 0.40 | 50 / 90 / 150 / 300 / 900");
    assertThat(lines.get(4)).startsWith("| 1 | 2 | 12000 | 7200 | 0.60 |");
    assertThat(lines.get(4)).endsWith("| 40.0 | 2.0 / 14.0 | 0.01 s |");
    assertThat(lines.get(5)).startsWith("| 16 | 2 | 18000 | 9000 | 0.50 |");
  }

  @Test
  void verdictComparesTheRatioOfMediansWithTheTarget() {
    assertThat(ResultTable.verdict(ROUNDS, 1, 0.5))
        .isEqualTo("B/A at in-flight 1: 0.60× (target ≥ 0.50×): met");
    assertThat(ResultTable.verdict(ROUNDS, 1, 0.7))
        .isEqualTo("B/A at in-flight 1: 0.60× (target ≥ 0.70×): NOT met");
    assertThat(ResultTable.verdict(ROUNDS, 64, 0.5)).contains("not measured");
  }

  /** Ten seconds each; CPU chosen so A costs 60 µs and B 300 µs per call. */
  private static Round round(int concurrency, double aPerSecond, double bPerSecond) {
    long aCalls = (long) (aPerSecond * 10);
    long bCalls = (long) (bPerSecond * 10);
    Measurement a = new Measurement(aCalls, 10, 50, 90, 150, 300, 900, aCalls * 60e-6, aCalls * 2);
    Measurement b =
        new Measurement(bCalls, 10, 200, 400, 600, 800, 2000, bCalls * 300e-6, bCalls * 14);
    return new Round(concurrency, a, b, bCalls * 40e-6, 0.01);
  }
}
