package io.infergate.infer.perf.loadtest;

/**
 * How calls are issued.
 *
 * @param openLoop send at the schedule's intended times whatever is in flight, and report latency
 *     from the intended time (ghz's own modes never do)
 * @param async ghz's --async: paced calls do not wait for the previous one; latency from the send
 * @param total calls to make (Long.MAX_VALUE for a duration run)
 * @param durationNanos -z (0: none)
 * @param maxDurationNanos -x (0: none)
 * @param durationStop what happens to calls in flight when the duration ends
 * @param rate the rate schedule, or null for no limit
 * @param concurrency the worker-count schedule (closed loop)
 * @param skipFirst results to drop from the tally
 */
record RunPlan(
    boolean openLoop,
    boolean async,
    long total,
    long durationNanos,
    long maxDurationNanos,
    DurationStop durationStop,
    Schedule rate,
    Schedule concurrency,
    int skipFirst) {

  /** ghz's {@code --duration-stop}: in-flight calls at -z are cancelled, awaited or dropped. */
  enum DurationStop implements Flags.Named {
    CLOSE,
    WAIT,
    IGNORE
  }

  /** An open-loop plan at {@code newRate} for {@code newDurationNanos} (an SLO probe). */
  RunPlan withRate(Schedule newRate, long newDurationNanos) {
    return new RunPlan(
        true,
        false,
        Long.MAX_VALUE,
        newDurationNanos,
        0,
        DurationStop.WAIT,
        newRate,
        concurrency,
        skipFirst);
  }

  /** The same load for {@code nanos}, awaiting the calls in flight at the end (a warm-up). */
  RunPlan warmUp(long nanos) {
    return new RunPlan(
        openLoop, async, Long.MAX_VALUE, nanos, 0, DurationStop.WAIT, rate, concurrency, 0);
  }

  /** ghz's and the harness's name for how calls are issued, as the report gives it. */
  String mode() {
    return openLoop ? "open-loop" : async && rate != null ? "async" : "closed-loop";
  }
}
