/**
 * Release control's decisions, free of I/O and clocks: what a canary must keep to ({@link Gates}),
 * what the gateway saw of a variant over a window ({@link WindowFigures}), the verdict of comparing
 * a canary with its stable variant ({@link Verdict}), and a ramp plan's steps and state ({@link
 * RampPlan}, {@link Ramp}). The gateway records the figures, ticks the ramps and commits what they
 * decide.
 */
package io.infergate.infer.router.release;
