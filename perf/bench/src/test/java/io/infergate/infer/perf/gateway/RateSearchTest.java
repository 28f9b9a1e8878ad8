package io.infergate.infer.perf.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateSearchTest {
  @Test
  void doublesThenBisectsToTheCapacity() throws Exception {
    RateSearch.Outcome outcome = RateSearch.search(250, 64_000, 0.1, 20, rate -> rate <= 2_600);

    assertThat(outcome.highestPass()).isEqualTo(2_500);
    assertThat(outcome.lowestFail()).isEqualTo(2_750);
    assertThat(outcome.tried())
        .containsExactly(250.0, 500.0, 1_000.0, 2_000.0, 4_000.0, 3_000.0, 2_500.0, 2_750.0);
  }

  @Test
  void stopsAtTheMaximumWhenEverythingPasses() throws Exception {
    RateSearch.Outcome outcome = RateSearch.search(1_000, 3_000, 0.1, 20, rate -> true);

    assertThat(outcome.highestPass()).isEqualTo(3_000);
    assertThat(outcome.lowestFail()).isInfinite();
    assertThat(outcome.tried()).containsExactly(1_000.0, 2_000.0, 3_000.0);
  }

  @Test
  void bisectsBelowTheStartWhenTheStartFails() throws Exception {
    RateSearch.Outcome outcome = RateSearch.search(1_000, 64_000, 0.1, 20, rate -> rate <= 300);

    assertThat(outcome.tried().get(0)).isEqualTo(1_000);
    assertThat(outcome.highestPass()).isBetween(270.0, 300.0);
  }

  @Test
  void neverProbesMoreThanMaxSteps() throws Exception {
    RateSearch.Outcome outcome = RateSearch.search(1, 1e9, 1e-9, 7, rate -> rate < 1e6);

    assertThat(outcome.tried()).hasSize(7);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> RateSearch.search(0, 10, 0.1, 5, rate -> true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
