package io.infergate.infer.observability;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background timers as every process of ours makes them. */
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
}
