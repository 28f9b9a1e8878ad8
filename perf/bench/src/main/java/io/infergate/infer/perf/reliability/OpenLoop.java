package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * The open-loop load a scenario measures: a rate held for a time, each call with a deadline or
 * none.
 *
 * @param rate calls per second
 * @param seconds how long the measured load lasts
 * @param deadlineMillis each call's deadline; 0 for none, as most callers send
 */
record OpenLoop(double rate, double seconds, long deadlineMillis) {
  /** A load whose calls carry no deadline. */
  static OpenLoop withoutDeadline(double rate, double seconds) {
    return new OpenLoop(rate, seconds, 0);
  }

  long deadlineNanos() {
    return TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
  }

  /** As the descriptions say it, e.g. {@code 500 calls/s open loop for 10 s}. */
  String describe() {
    return fixed(rate, 0) + " calls/s open loop for " + fixed(seconds, 0) + " s";
  }

  /** The row label of the whole measured load in a summary, e.g. {@code t=0–10 s}. */
  String window() {
    return "t=0–" + fixed(seconds, 0) + " s";
  }

  /** Warms {@code target} up to this rate ({@link OpenLoopPhase#warmUp}), untallied. */
  void warmUp(String target, byte[] body, PrintStream progress) throws InterruptedException {
    OpenLoopPhase.warmUp(target, body, rate, deadlineNanos(), progress);
  }

  /** Sends this load to {@code target} from now on and returns what the calls saw. */
  CallTally.Summary measure(String target, byte[] body) throws InterruptedException {
    return OpenLoopPhase.measure(target, body, rate, seconds, deadlineNanos());
  }
}
