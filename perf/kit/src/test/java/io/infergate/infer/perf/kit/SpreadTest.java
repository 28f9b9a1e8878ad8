package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

  @Test
  void oddCountTakesTheMiddleValueWhateverTheOrder() {
    assertThat(Spread.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Spread(2.0, 1.0, 3.0));
  }

  @Test
  void evenCountTakesTheMeanOfTheTwoMiddleValues() {
    assertThat(Spread.of(List.of(10.0, 4.0, 1.0, 6.0))).isEqualTo(new Spread(5.0, 1.0, 10.0));
  }

  @Test
  void oneValueIsItsOwnMedianMinAndMax() {
    assertThat(Spread.of(List.of(7.5))).isEqualTo(new Spread(7.5, 7.5, 7.5));
  }

  @Test
  void rejectsNoValues() {
    assertThatThrownBy(() -> Spread.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values: [] (expected: at least one)");
  }
}
