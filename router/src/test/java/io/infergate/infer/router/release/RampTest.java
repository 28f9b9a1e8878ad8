package io.infergate.infer.router.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.router.release.Ramp.Move;
import io.infergate.infer.router.release.Ramp.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RampTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final RampPlan PLAN =
      new RampPlan("v2", "v1", List.of(1, 50, 100), Duration.ofSeconds(30), Gates.DEFAULT);
  private static final Verdict HOLDING = new Verdict(Verdict.Kind.HOLDING, "ok", Map.of());
  private static final Verdict FEW = new Verdict(Verdict.Kind.TOO_FEW_CALLS, "few", Map.of());
  private static final Verdict BREACHED = new Verdict(Verdict.Kind.BREACHED, "bad", Map.of());

  @Test
  void aStepAdvancesOnlyOnceHeldWithItsGatesHolding() {
    Ramp ramp = Ramp.start(PLAN, T0);

    assertThat(ramp.canaryWeight()).isEqualTo(1);
    assertThat(ramp.stableWeight()).isEqualTo(99);
    assertThat(ramp.decide(T0.plusSeconds(29), HOLDING, 1)).isEqualTo(Move.STAY);
    assertThat(ramp.decide(T0.plusSeconds(30), FEW, 1)).isEqualTo(Move.STAY);
    assertThat(ramp.decide(T0.plusSeconds(30), HOLDING, 1)).isEqualTo(Move.ADVANCE);

    Ramp second = ramp.advanced(T0.plusSeconds(30));
    assertThat(second.canaryWeight()).isEqualTo(50);
    assertThat(second.decide(T0.plusSeconds(59), HOLDING, 1)).isEqualTo(Move.STAY);
  }

  @Test
  void theLastStepHeldCompletes() {
    Ramp last = Ramp.start(PLAN, T0).advanced(T0).advanced(T0);

    assertThat(last.canaryWeight()).isEqualTo(100);
    assertThat(last.stableWeight()).isZero();
    assertThat(last.decide(T0.plusSeconds(30), HOLDING, 1)).isEqualTo(Move.COMPLETE);
    assertThat(last.ended(Phase.COMPLETED, "done").decide(T0.plusSeconds(99), BREACHED, 1))
        .isEqualTo(Move.STAY);
  }

  @Test
  void enoughBreachesInARowRollBackWhetherRunningOrPaused() {
    Ramp ramp = Ramp.start(PLAN, T0);

    assertThat(ramp.decide(T0, BREACHED, 2)).isEqualTo(Move.STAY);
    assertThat(ramp.decide(T0, BREACHED, 3)).isEqualTo(Move.ROLL_BACK);
    assertThat(ramp.paused().decide(T0, BREACHED, 3)).isEqualTo(Move.ROLL_BACK);
  }

  @Test
  void aPausedRampHoldsItsStepAndResumingStartsTheHoldOver() {
    Ramp paused = Ramp.start(PLAN, T0).paused();

    assertThat(paused.decide(T0.plusSeconds(300), HOLDING, 1)).isEqualTo(Move.STAY);
    Ramp resumed = paused.resumed(T0.plusSeconds(300));
    assertThat(resumed.decide(T0.plusSeconds(329), HOLDING, 1)).isEqualTo(Move.STAY);
    assertThat(resumed.decide(T0.plusSeconds(330), HOLDING, 1)).isEqualTo(Move.ADVANCE);
  }

  @Test
  void badPlansNameTheirFields() {
    assertThatThrownBy(
            () -> new RampPlan("v2", "v2", List.of(5, 5, 101), Duration.ZERO, Gates.DEFAULT))
        .hasMessageContaining("stable: \"v2\" (expected: a variant other than canary)")
        .hasMessageContaining("steps[1]: 5 (expected: rising, 6..100)")
        .hasMessageContaining("steps[2]: 101")
        .hasMessageContaining("hold: PT0S");
    assertThatThrownBy(
            () -> new RampPlan("v2", "v1", List.of(), Duration.ofSeconds(1), Gates.DEFAULT))
        .hasMessageContaining("steps: []");
  }
}
