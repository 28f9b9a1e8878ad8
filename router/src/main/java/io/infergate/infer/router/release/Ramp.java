package io.infergate.infer.router.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A ramp plan in progress: its phase, the step in force and since when. Immutable: each change
 * makes the next state, which the gateway commits before serving its weights.
 *
 * @param step index into the plan's steps of the step in force
 * @param stepSince when that step started, or was last resumed
 * @param detail why the phase last changed, in words
 */
public record Ramp(RampPlan plan, Phase phase, int step, Instant stepSince, String detail) {
  public Ramp {
    requireNonNull(plan, "plan");
    requireNonNull(phase, "phase");
    requireNonNull(stepSince, "stepSince");
    detail = detail == null ? "" : detail;
    if (step < 0 || step > plan.lastStep()) {
      throw new IllegalArgumentException(
          "step: " + step + " (expected: 0.." + plan.lastStep() + ")");
    }
  }

  public enum Phase {
    RUNNING,
    PAUSED,
    COMPLETED,
    ROLLED_BACK,
    ABORTED;

    /** Whether a ramp in this phase is still in charge of its route's weights. */
    public boolean isActive() {
      return this == RUNNING || this == PAUSED;
    }
  }

  /** What a tick decided. */
  public enum Move {
    /** Nothing to change. */
    STAY,
    /** On to the next step. */
    ADVANCE,
    /** The last step was held: the ramp is done and its weights stay. */
    COMPLETE,
    /** A gate was breached: the canary goes back to 0. */
    ROLL_BACK
  }

  /** A ramp at its first step from {@code now}. */
  public static Ramp start(RampPlan plan, Instant now) {
    return new Ramp(plan, Phase.RUNNING, 0, now, "started");
  }

  /**
   * What to do at {@code now} given the gates' latest verdict, the {@code breachesInARow}-th breach
   * in a row if it is one: enough breaches in a row roll back, whether running or paused; a running
   * step advances once held for the plan's hold with its gates holding on enough calls.
   */
  public Move decide(Instant now, Verdict verdict, int breachesInARow) {
    if (!phase.isActive()) {
      return Move.STAY;
    }
    if (verdict.kind() == Verdict.Kind.BREACHED) {
      return breachesInARow >= plan.gates().breachesToRollBack() ? Move.ROLL_BACK : Move.STAY;
    }
    if (phase == Phase.PAUSED
        || verdict.kind() != Verdict.Kind.HOLDING
        || now.isBefore(stepSince.plus(plan.hold()))) {
      return Move.STAY;
    }
    return step == plan.lastStep() ? Move.COMPLETE : Move.ADVANCE;
  }

  /** The next step, from {@code now}. */
  public Ramp advanced(Instant now) {
    return new Ramp(
        plan, Phase.RUNNING, step + 1, now, "step " + (step + 2) + " of " + plan.steps().size());
  }

  public Ramp paused() {
    return new Ramp(plan, Phase.PAUSED, step, stepSince, "paused");
  }

  /**
   * Running again; the step's hold starts over, so it is judged on figures from after the pause.
   */
  public Ramp resumed(Instant now) {
    return new Ramp(plan, Phase.RUNNING, step, now, "resumed");
  }

  /**
   * As found after a restart at {@code now}: same phase and step, the step's hold starting over, so
   * that a step is never judged held on figures from before the restart.
   */
  public Ramp restarted(Instant now) {
    return phase.isActive() ? new Ramp(plan, phase, step, now, detail) : this;
  }

  public Ramp ended(Phase phase, String why) {
    if (phase.isActive()) {
      throw new IllegalArgumentException("phase: " + phase + " (expected: an ending phase)");
    }
    return new Ramp(plan, phase, step, stepSince, why);
  }

  /** The canary's weight in force. */
  public int canaryWeight() {
    return plan.canaryWeight(step);
  }

  /** The stable variant's weight in force. */
  public int stableWeight() {
    return plan.stableWeight(step);
  }
}
