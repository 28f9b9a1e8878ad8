package io.infergate.infer.perf.reliability;

import io.infergate.infer.perf.OpenLoopLoad;
import java.io.PrintStream;

/**
 * One open-loop phase of a scenario on the suite's clock.
 *
 * <p>Why {@link OpenLoopLoad} rather than {@code bin/loadtest --open-loop}: the scenarios judge the
 * calls by status code per second, by {@code x-variant} and {@code x-fallback} headers and by the
 * {@code grpc-retry-pushback-ms} trailer, and inject faults at fixed times of the load. The
 * in-process generator hands each call's status, headers and trailers to a {@link CallTally} and
 * shares the fault schedule's clock; the loadtest's report has per-code and per-variant totals but
 * neither other headers, trailers nor per-second codes, and would run as a third process to line up
 * with.
 */
final class OpenLoopPhase {
  /** Calls outstanding past which a call is not sent but counted as failed (never reached). */
  static final int MAX_OUTSTANDING = 20_000;

  /** Room for the channel to be built before the first call is due. */
  private static final long LEAD_NANOS = 300_000_000L;

  /**
   * Warm-up steps as (share of the peak rate, seconds): freshly started JVMs answer the first calls
   * interpreted, a hundred times slower than once compiled, so a full-rate start builds a backlog
   * of several seconds on a small machine; a ramp lets the JIT catch up first.
   */
  private static final double[][] RAMP = {{0.1, 2}, {0.25, 2}, {0.5, 2}, {1, 4}};

  private OpenLoopPhase() {}

  /**
   * Sends {@code body} to {@code target} along {@link #RAMP} up to {@code peakRate}, untallied, and
   * says how the last step went on {@code progress}.
   */
  static void warmUp(
      String target, byte[] body, double peakRate, long deadlineNanos, PrintStream progress)
      throws InterruptedException {
    double seconds = 0;
    for (double[] step : RAMP) {
      seconds += step[1];
    }
    progress.printf("  warm-up: %.0f s ramping to %.0f calls/s%n", seconds, peakRate);
    try (OpenLoopLoad load = new OpenLoopLoad(target, body, deadlineNanos)) {
      OpenLoopLoad.Result last = null;
      for (double[] step : RAMP) {
        last = load.run(peakRate * step[0], 0, (long) (step[1] * 1e9), MAX_OUTSTANDING);
      }
      progress.printf(
          "  warm-up at %.0f calls/s: %d OK, %d failed, OK p99 %.1f ms%n",
          peakRate, last.ok(), last.failed(), last.percentileMillis(99));
    }
  }

  /** Second 0 of a phase that starts now with {@code warmupSeconds} of unmeasured calls. */
  static long origin(double warmupSeconds) {
    return System.nanoTime() + LEAD_NANOS + (long) (warmupSeconds * 1e9);
  }

  /**
   * A phase measured from now: {@code body} to {@code target} at {@code rate} for {@code seconds},
   * with no unmeasured calls first, each call tallied.
   *
   * @param deadlineNanos each call's deadline; 0 for none
   */
  static CallTally.Summary measure(
      String target, byte[] body, double rate, double seconds, long deadlineNanos)
      throws InterruptedException {
    long origin = origin(0);
    CallTally tally = new CallTally(origin);
    run(target, body, rate, origin, 0, seconds, deadlineNanos, tally);
    return tally.summary();
  }

  /**
   * Sends {@code body} to {@code target} at {@code rate} from {@code warmupSeconds} before {@code
   * origin} to {@code seconds} after it, each call from the origin on reported to {@code tally},
   * and waits for the calls to end.
   *
   * @param deadlineNanos each call's deadline; 0 for none, as most callers send
   */
  static OpenLoopLoad.Result run(
      String target,
      byte[] body,
      double rate,
      long origin,
      double warmupSeconds,
      double seconds,
      long deadlineNanos,
      CallTally tally)
      throws InterruptedException {
    long warmupNanos = (long) (warmupSeconds * 1e9);
    try (OpenLoopLoad load = new OpenLoopLoad(target, body, deadlineNanos, tally)) {
      return load.run(
          origin - warmupNanos, rate, warmupNanos, (long) (seconds * 1e9), MAX_OUTSTANDING);
    }
  }
}
