package io.infergate.infer.observability.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DivergencesTest {
  @Test
  void psiOfTheTextbookExample() {
    // (0.5 - 0.25) ln 2 + (0.5 - 0.75) ln (2/3)
    assertThat(Divergences.psi(new long[] {50, 50}, 0, 2, 100, new double[] {0.25, 0.75}))
        .isCloseTo(0.25 * Math.log(2) - 0.25 * Math.log(2.0 / 3), within(1e-12));
  }

  @Test
  void psiFloorsEmptyBinsAndIsZeroForTheSameShares() {
    assertThat(Divergences.psi(new long[] {10, 30, 0}, 0, 3, 40, new double[] {0.25, 0.75, 0}))
        .isZero();
    assertThat(Divergences.psi(new long[] {0, 0, 40}, 0, 3, 40, new double[] {0.25, 0.75, 0}))
        .isCloseTo(
            (1 - 1e-4) * Math.log(1e4)
                + (1e-4 - 0.25) * Math.log(1e-4 / 0.25)
                + (1e-4 - 0.75) * Math.log(1e-4 / 0.75),
            within(1e-9));
  }

  @Test
  void jensenShannonIsZeroForTheSameAndOneBitForDisjointDistributions() {
    assertThat(Divergences.jensenShannon(new long[] {1, 3}, 0, 2, 4, new double[] {0.25, 0.75}))
        .isCloseTo(0, within(1e-12));
    assertThat(Divergences.jensenShannon(new long[] {0, 5}, 0, 2, 5, new double[] {1, 0}))
        .isCloseTo(1, within(1e-12));
  }

  @Test
  void onlyTheGivenBinsCount() {
    long[] window = {100, 50, 50, 7};
    double[] baseline = {0, 0.5, 0.5, 0};
    assertThat(Divergences.psi(window, 1, 3, 100, baseline)).isZero();
  }

  @Test
  void sharesOfAWindowAreItsCountsOverItsTotalInTheGivenBinsOnly() {
    assertThat(Divergences.shares(new long[] {9, 1, 3, 4}, 1, 3, 4))
        .containsExactly(0, 0.25, 0.75, 0);
  }

  @Test
  void aWindowComparedWithItsOwnSharesHasNoDivergence() {
    long[] window = {5, 15, 0, 20};
    double[] itself = Divergences.shares(window, 0, 3, 20);
    assertThat(Divergences.psi(window, 0, 3, 20, itself)).isZero();
    assertThat(Divergences.jensenShannon(window, 0, 3, 20, itself)).isZero();
  }
}
