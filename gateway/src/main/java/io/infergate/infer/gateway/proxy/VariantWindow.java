package io.infergate.infer.gateway.proxy;

import io.infergate.infer.router.release.Gates;
import io.infergate.infer.router.release.WindowFigures;
import io.infergate.infer.router.resilience.CallOutcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one variant's backends answered over the last {@link Gates#MAX_WINDOW}, one slot a second:
 * the figures release control's gates judge and the admin API shows.
 *
 * <p>Calls record without locks (an HdrHistogram {@link Recorder} and two adders); once a second
 * {@link #roll} moves what was recorded into the ring, and {@link #figures} sums the newest slots.
 * Both run under the caller's lock, off the call path.
 */
final class VariantWindow {
  private static final int SLOTS = (int) Gates.MAX_WINDOW.toSeconds();

  /** Latencies above a minute are recorded as a minute: a gate only asks whether they are slow. */
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

  /**
   * One significant digit: quantiles within about 6%, plenty for a gate that compares ratios, in
   * under 3 KiB a slot (about 90 KiB a variant); two digits would take 20 KiB a slot.
   */
  private static final int DIGITS = 1;

  private final Recorder latency = new Recorder(1, MAX_MICROS, DIGITS);
  private final LongAdder failures = new LongAdder();
  private final LongAdder callerErrors = new LongAdder();

  // The ring, touched by roll and figures only, under the owner's lock.
  private final Histogram[] slots = new Histogram[SLOTS];
  private final long[] slotFailures = new long[SLOTS];
  private final long[] slotCallerErrors = new long[SLOTS];
  private final Histogram sum = new Histogram(1, MAX_MICROS, DIGITS);
  private Histogram interval;
  private long failuresSeen;
  private long callerErrorsSeen;
  private int newest = -1;

  VariantWindow() {
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = new Histogram(1, MAX_MICROS, DIGITS);
    }
  }

  /**
   * One attempt answered by a backend of this variant. Cancelled and rejected calls never reached
   * one, and say nothing about it; nor does a backend shedding load (RESOURCE_EXHAUSTED), whose
   * quick refusals would make a canary under strain look fast.
   */
  void record(CallOutcome outcome, long nanos) {
    switch (outcome) {
      case CANCELLED, REJECTED, OVERLOAD -> {
        return;
      }
      case BACKEND_FAILURE, NOT_REACHED -> failures.increment();
      case CALLER_ERROR -> callerErrors.increment();
      default -> {}
    }
    latency.recordValue(Math.max(1, Math.min(MAX_MICROS, nanos / 1000)));
  }

  /** Closes the current second into the ring. Called once a second, under the owner's lock. */
  void roll() {
    interval = latency.getIntervalHistogram(interval);
    newest = (newest + 1) % SLOTS;
    slots[newest].reset();
    slots[newest].add(interval);
    long failed = failures.sum();
    long callerErred = callerErrors.sum();
    slotFailures[newest] = failed - failuresSeen;
    slotCallerErrors[newest] = callerErred - callerErrorsSeen;
    failuresSeen = failed;
    callerErrorsSeen = callerErred;
  }

  /** The newest {@code window} (whole seconds up to {@link Gates#MAX_WINDOW}) of closed slots. */
  WindowFigures figures(Duration window) {
    int seconds = (int) Math.min(SLOTS, Math.max(1, window.toSeconds()));
    sum.reset();
    long failed = 0;
    long callerErred = 0;
    for (int i = 0; i < seconds && newest >= 0; i++) {
      int slot = Math.floorMod(newest - i, SLOTS);
      sum.add(slots[slot]);
      failed += slotFailures[slot];
      callerErred += slotCallerErrors[slot];
    }
    long calls = sum.getTotalCount();
    if (calls == 0) {
      return WindowFigures.none(Duration.ofSeconds(seconds));
    }
    return new WindowFigures(
        Duration.ofSeconds(seconds),
        calls,
        // A failure recorded just before a roll may land a second before its latency does.
        Math.min(failed, calls),
        Math.min(callerErred, calls),
        sum.getValueAtPercentile(50) * 1000,
        sum.getValueAtPercentile(99) * 1000);
  }
}
