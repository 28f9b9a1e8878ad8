package io.infergate.infer.perf.reliability;

import io.infergate.infer.observability.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Faults and changes at fixed times on the load's clock (a server killed at 5 s, restarted at 15
 * s), run in order on one thread beside the load, so a slow action (a restart) delays only the
 * actions after it. {@link #awaitAll} rethrows the first action that failed.
 */
final class FaultSchedule implements AutoCloseable {
  private final long originNanos;
  private final ScheduledExecutorService timer = Schedulers.daemon("fault-schedule");
  private final List<Future<?>> actions = new ArrayList<>();

  /**
   * @param originNanos second 0 of the load, a {@link System#nanoTime()}
   */
  FaultSchedule(long originNanos) {
    this.originNanos = originNanos;
  }

  /** Runs {@code action} {@code seconds} after the origin. */
  void at(double seconds, Callable<?> action) {
    long delay = originNanos + (long) (seconds * 1e9) - System.nanoTime();
    actions.add(timer.schedule(action, Math.max(0, delay), TimeUnit.NANOSECONDS));
  }

  /** Seconds from the origin to now, for event logs. */
  double now() {
    return (System.nanoTime() - originNanos) / 1e9;
  }

  /** Waits for every action; rethrows the first failure with its cause. */
  void awaitAll() throws Exception {
    for (Future<?> action : actions) {
      try {
        action.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
