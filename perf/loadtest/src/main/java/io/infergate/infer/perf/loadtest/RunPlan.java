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
 * @param durationStop close, wait or ignore
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
    String durationStop,
    Schedule rate,
    Schedule concurrency,
    int skipFirst) {

  RunPlan withRate(Schedule newRate, long newDurationNanos) {
    return new RunPlan(
        true, false, Long.MAX_VALUE, newDurationNanos, 0, "wait", newRate, concurrency, skipFirst);
  }
}
