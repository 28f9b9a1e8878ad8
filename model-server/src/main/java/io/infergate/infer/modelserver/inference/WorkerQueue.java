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
  private final long inlineRunMaxNanos;
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
    this(workers, threads, capacity, 0);
  }

  /**
   * As {@link #WorkerQueue(Executor, int, int)}, but a call whose model's recent runs take at most
   * {@code inlineRunMaxNanos} runs on the thread that received it while no call waits for a worker
   * ({@link #runsInline}); 0 never.
   */
  public WorkerQueue(Executor workers, int threads, int capacity, long inlineRunMaxNanos) {
    if (inlineRunMaxNanos < 0) {
      throw new IllegalArgumentException(
          "inlineRunMaxNanos: " + inlineRunMaxNanos + " (expected: >= 0)");
    }
    this.inlineRunMaxNanos = inlineRunMaxNanos;
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

  /**
   * Whether a call of a model whose recent runs took {@code recentRunNanos} (0: not known yet)
   * should run on the calling thread rather than be handed to a worker. A hand-off costs two thread
   * wake-ups (the worker's, then the event loop's to write the answer), several times the run of a
   * small model; running inline holds the event loop for the run, so only short runs qualify, and
   * only while no call waits for a worker, so that inline runs never overtake queued calls.
   */
  boolean runsInline(long recentRunNanos) {
    return recentRunNanos > 0 && recentRunNanos <= inlineRunMaxNanos && waiting.get() == 0;
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
