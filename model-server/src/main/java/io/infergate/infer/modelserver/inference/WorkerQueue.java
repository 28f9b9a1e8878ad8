package io.infergate.infer.modelserver.inference;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.InferenceException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands calls of unbatched model versions to the worker threads, with a bound on how many may wait:
 * past it a call is shed at once ({@link InferenceException.Kind#OVERLOADED} with a retry hint)
 * rather than queued without limit, so a flood costs neither memory nor the latency of the calls
 * already waiting. Lock-free: one counter.
 */
public final class WorkerQueue {
  private final Executor workers;
  private final int threads;
  private final int capacity;
  private final AtomicInteger waiting = new AtomicInteger();

  /** The most recent run's time, for the pushback hint. */
  private volatile long runNanos;

  /**
   * @param workers the worker pool (also where batched callers are answered, which this does not
   *     bound: those calls were admitted by their batcher's own queue)
   * @param threads how many threads {@code workers} has
   * @param capacity the most calls waiting for a worker
   */
  public WorkerQueue(Executor workers, int threads, int capacity) {
    this.workers = requireNonNull(workers, "workers");
    if (threads < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "threads: " + threads + ", capacity: " + capacity + " (expected: >= 1)");
    }
    this.threads = threads;
    this.capacity = capacity;
  }

  /**
   * Queues {@code call} for a worker.
   *
   * @throws InferenceException OVERLOADED with a retry hint when {@code capacity} calls are waiting
   *     already, SHUTTING_DOWN when the workers have stopped
   */
  void submit(Runnable call) {
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      throw InferenceException.overloaded(
          "model server is busy: "
              + capacity
              + " calls are waiting for a worker (the workerQueueCapacity)",
          pushbackMillis());
    }
    try {
      workers.execute(() -> run(call));
    } catch (RejectedExecutionException e) {
      waiting.decrementAndGet();
      throw InferenceException.shuttingDown();
    }
  }

  /** Calls waiting for a worker now: the worker queue's {@code infergate.model.queue.depth}. */
  public int waiting() {
    return waiting.get();
  }

  /** About how long until the calls waiting now have started. */
  long pushbackMillis() {
    long nanos = waiting.get() * runNanos / threads;
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }

  private void run(Runnable call) {
    waiting.decrementAndGet();
    long started = System.nanoTime();
    try {
      call.run();
    } finally {
      runNanos = System.nanoTime() - started;
    }
  }
}
