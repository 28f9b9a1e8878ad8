package io.infergate.infer.observability;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Background timers and worker pools as every process of ours makes and stops them. */
public final class Schedulers {
  private Schedulers() {}

  /**
   * A scheduler on one daemon thread named {@code name}: its tasks are housekeeping (timers,
   * watchers, samplers) that must never keep the JVM alive once the servers have stopped.
   */
  public static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Waits up to {@code seconds} for {@code executor}, already shut down, to finish its tasks; true
   * if they are still running then, for the caller to say so. An interrupted wait stops waiting,
   * keeps the thread's interrupt status and returns false: the caller was told to stop, not failed.
   */
  public static boolean stillRunningAfter(ExecutorService executor, long seconds) {
    try {
      return !executor.awaitTermination(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
