package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final long S = Schedule.SECOND;

  @Test
  void constPacerSpacesCallsEvenly() {
    Schedule.Pacer p = new Schedule.Pacer(Schedule.constant(4));
    assertThat(new long[] {p.next(), p.next(), p.next(), p.next(), p.next()})
        .containsExactly(0, S / 4, S / 2, 3 * S / 4, S);
  }

  @Test
  void stepScheduleAddsItsStepEachStepDurationUpToTheEnd() {
    Schedule step = new Schedule(Schedule.Kind.STEP, 10, 30, 10, S, 0);
    assertThat(step.valueAt(0)).isEqualTo(10);
    assertThat(step.valueAt(S)).isEqualTo(20);
    assertThat(step.valueAt(5 * S)).isEqualTo(30);
    assertThat(step.settledAfterNanos()).isEqualTo(2 * S);
    assertThat(countInSecond(step, 0)).isEqualTo(10);
    assertThat(countInSecond(step, 1)).isEqualTo(20);
    assertThat(countInSecond(step, 2)).isEqualTo(30);
    assertThat(countInSecond(step, 3)).isEqualTo(30);
  }

  @Test
  void stepScheduleHoldsAfterMaxDurationAndStepsDown() {
    Schedule held = new Schedule(Schedule.Kind.STEP, 10, 0, 10, S, 2 * S);
    assertThat(held.valueAt(10 * S)).isEqualTo(20);
    Schedule down = new Schedule(Schedule.Kind.STEP, 30, 10, -10, S, 0);
    assertThat(down.valueAt(0)).isEqualTo(30);
    assertThat(down.valueAt(S)).isEqualTo(20);
    assertThat(down.valueAt(9 * S)).isEqualTo(10);
  }

  @Test
  void lineIsAStepOfOneSecondWithTheSlopeAsStep() {
    Schedule line = new Schedule(Schedule.Kind.LINE, 100, 0, 50, 0, 0);
    assertThat(line.stepNanos()).isEqualTo(S);
    assertThat(countInSecond(line, 0)).isEqualTo(100);
    assertThat(countInSecond(line, 1)).isEqualTo(150);
    assertThat(countInSecond(line, 2)).isEqualTo(200);
  }

  @Test
  void requestedRateIsTheScheduleMeanOverTheRun() {
    assertThat(Reports.requestedRps(new Schedule(Schedule.Kind.STEP, 100, 300, 100, S, 0), 3 * S))
        .isEqualTo(200.0);
    assertThat(Reports.requestedRps(Schedule.constant(50), S)).isEqualTo(50.0);
  }

  private static long countInSecond(Schedule s, int second) {
    Schedule.Pacer p = new Schedule.Pacer(s);
    long n = 0;
    for (long t = p.next(); t < (second + 1) * S; t = p.next()) {
      if (t >= second * S) {
        n++;
      }
    }
    return n;
  }
}
