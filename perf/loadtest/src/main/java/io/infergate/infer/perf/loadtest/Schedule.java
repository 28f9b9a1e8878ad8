package io.infergate.infer.perf.loadtest;

/**
 * ghz's const / step / line schedules, for a rate (calls per second) or a worker count: {@code
 * step} starts at {@code start} and adds {@code step} every {@code stepNanos} until {@code end} is
 * reached (when {@code end} &gt; 0) or {@code maxNanos} has elapsed (when &gt; 0), then holds;
 * {@code line} is {@code step} with a fixed 1 s step, {@code step} being the slope per second.
 */
record Schedule(Kind kind, long start, long end, long step, long stepNanos, long maxNanos) {
  static final long SECOND = 1_000_000_000L;

  /** ghz's schedule names ({@code --load-schedule}, {@code --concurrency-schedule}). */
  enum Kind implements Flags.Named {
    CONST,
    STEP,
    LINE
  }

  static Schedule constant(long value) {
    return new Schedule(Kind.CONST, value, 0, 0, 0, 0);
  }

  Schedule {
    if (kind == Kind.LINE) {
      stepNanos = SECOND;
    }
  }

  /** The value in effect during step {@code i} (0-based). */
  long valueAtStep(long i) {
    if (kind == Kind.CONST) {
      return start;
    }
    if (maxNanos > 0 && stepNanos > 0) {
      i = Math.min(i, Math.max(0, (maxNanos - 1) / stepNanos));
    }
    long v = start + i * step;
    if (end > 0) {
      v = step >= 0 ? Math.min(v, end) : Math.max(v, end);
    }
    return Math.max(0, v);
  }

  /** The value at {@code elapsedNanos} since the start. */
  long valueAt(long elapsedNanos) {
    return kind == Kind.CONST ? start : valueAtStep(elapsedNanos / stepNanos);
  }

  /** Nanoseconds after which the value never changes (0 for const). */
  long settledAfterNanos() {
    if (kind == Kind.CONST) {
      return 0;
    }
    long steps = Long.MAX_VALUE;
    if (end > 0 && step != 0) {
      steps = Math.max(0, (end - start + step - (step > 0 ? 1 : -1)) / step);
    }
    if (maxNanos > 0) {
      steps = Math.min(steps, Math.max(0, (maxNanos - 1) / stepNanos));
    }
    return steps == Long.MAX_VALUE ? Long.MAX_VALUE : steps * stepNanos;
  }

  /**
   * Hands out the intended send times (offsets from the start, in ns) of successive calls under a
   * rate schedule. Thread-safe; O(1) per call.
   */
  static final class Pacer {
    private final Schedule rate;
    private long stepIndex;
    private long inStep;
    private long stepRate;

    Pacer(Schedule rate) {
      this.rate = rate;
      this.stepRate = rate.valueAtStep(0);
    }

    /** The offset of the next call, or Long.MAX_VALUE if the rate is 0 from here on. */
    synchronized long next() {
      while (true) {
        if (rate.kind() == Kind.CONST) {
          if (stepRate <= 0) {
            return Long.MAX_VALUE;
          }
          return (long) ((double) (inStep++) * SECOND / stepRate);
        }
        long stepStart = stepIndex * rate.stepNanos();
        if (stepRate > 0) {
          long offset = stepStart + (long) ((double) inStep * SECOND / stepRate);
          if (offset < stepStart + rate.stepNanos() || stepStart >= rate.settledAfterNanos()) {
            inStep++;
            return offset;
          }
        } else if (stepStart >= rate.settledAfterNanos()) {
          return Long.MAX_VALUE;
        }
        stepIndex++;
        inStep = 0;
        stepRate = rate.valueAtStep(stepIndex);
      }
    }
  }
}
