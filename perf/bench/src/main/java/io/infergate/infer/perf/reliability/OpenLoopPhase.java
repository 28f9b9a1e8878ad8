package io.infergate.infer.perf.reliability;

import io.infergate.infer.perf.OpenLoopLoad;

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
  private static final int MAX_OUTSTANDING = 20_000;

  /** Room for the channel to be built before the first call is due. */
  private static final long LEAD_NANOS = 300_000_000L;

  private OpenLoopPhase() {}

  /** Second 0 of a phase that starts now with {@code warmupSeconds} of unmeasured calls. */
  static long origin(double warmupSeconds) {
    return System.nanoTime() + LEAD_NANOS + (long) (warmupSeconds * 1e9);
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
