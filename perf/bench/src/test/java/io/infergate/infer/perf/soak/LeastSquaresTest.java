package io.infergate.infer.perf.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.infer.perf.soak.LeastSquares.Point;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {

  @Test
  void isTheSlopeOfPointsOnALine() {
    List<Point> points = List.of(new Point(5, 10.5), new Point(6, 12.5), new Point(8, 16.5));

    assertThat(LeastSquares.slope(points)).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void seesNoGrowthInASawtoothThatDoesNotRise() {
    // A GC-like sawtooth: 600, 610, 620, 630 MB and back, five whole periods.
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      points.add(new Point(i, 600 + 10 * (i % 4)));
    }

    assertThat(LeastSquares.slope(points)).isCloseTo(0.0, within(0.6));
  }

  @Test
  void weighsOutlyingEndPointsLessThanTwoPointsWould() {
    // Rising 0.5 per step; the first point is 20 low and the last 20 high. The end points alone
    // read (25 - (-20)) / 10 = 4.5 per step; the fit adds only 200 / 110 (Σ(x-x̄)·noise /
    // Σ(x-x̄)²).
    List<Point> points = new ArrayList<>();
    for (int i = 0; i <= 10; i++) {
      double noise = i == 0 ? -20 : i == 10 ? 20 : 0;
      points.add(new Point(i, 0.5 * i + noise));
    }

    assertThat(LeastSquares.slope(points)).isCloseTo(0.5 + 200.0 / 110, within(1e-12));
  }

  @Test
  void isNotANumberWithoutTwoDistinctXs() {
    assertThat(LeastSquares.slope(List.of())).isNaN();
    assertThat(LeastSquares.slope(List.of(new Point(1, 2)))).isNaN();
    assertThat(LeastSquares.slope(List.of(new Point(1, 2), new Point(1, 3)))).isNaN();
  }
}
