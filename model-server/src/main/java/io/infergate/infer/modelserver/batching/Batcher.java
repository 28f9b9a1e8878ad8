package io.infergate.infer.modelserver.batching;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching for one model version: calls are queued, and one scheduler thread merges
 * compatible ones (same outputs wanted, same input shapes beyond the first dimension) along the
 * first dimension, runs the model once and hands each caller its own rows back.
 *
 * <p>A batch runs as soon as it holds {@code maxBatchSize} rows (or the next call would not fit),
 * as soon as the queue holds a preferred batch size, or when its oldest call has waited {@code
 * maxQueueDelay}, whichever comes first. Calls whose caller has gone are dropped before they join a
 * batch, so they never take a row of it. A full queue refuses calls at once.
 *
 * <p>Threads: {@link #submit} is lock-free and called by the protocol layer's worker threads;
 * queued calls wait without holding a thread. Only the scheduler thread forms and runs batches, so
 * its queue needs no lock. Each batch's answers go to the completion executor as one task, so that
 * encoding and sending them runs in parallel with the next batch.
 */
public final class Batcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Batcher.class);

  /** While the queue is closing, how often the scheduler looks for calls still being submitted. */
  private static final long CLOSING_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  // What the scheduler thread is doing, for submit() to decide whether to wake it.
  private static final int RUNNING = 0;
  private static final int PARKED_UNTIL_DUE = 1;
  private static final int PARKED_IDLE = 2;

  /** What {@link #submit} did with a call. */
  public enum Admission {
    /** Queued; the call will be answered once, later. */
    ACCEPTED,
    /** Refused: {@code queueCapacity} calls are already waiting. */
    QUEUE_FULL,
    /** Refused: the batcher is closed. */
    CLOSED
  }

  /** Runs the model once: {@code LoadedModel#run} in production. */
  @FunctionalInterface
  public interface Runner {
    HostTensor[] run(HostTensor[] feeds, int[] fetch);
  }

  private final String label;
  private final Runner runner;
  private final Executor completions;
  private final int maxBatchSize;
  private final long maxQueueDelayNanos;
  private final int[] preferredBatchSizes;
  private final int queueCapacity;
  private final VersionTelemetry telemetry;

  /**
   * The fewest queued rows that may make a batch ready before its delay; below it, a new call need
   * not wake the scheduler, which already sleeps until the oldest call's delay is up.
   */
  private final int wakeRows;

  private final ConcurrentLinkedQueue<BatchedCall> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedCalls = new AtomicInteger();
  private final AtomicLong queuedRows = new AtomicLong();
  private final Thread scheduler;
  private volatile int schedulerState = RUNNING;
  private volatile boolean sweepRequested;
  private volatile boolean draining;
  private volatile boolean closed;

  /** Recent time per batch (model run and split), for the pushback hint. */
  private volatile long batchNanos;

  private final BatchTally tally;

  // Owned by the scheduler thread.
  private final ArrayList<BatchedCall> pending = new ArrayList<>();
  private final ArrayList<BatchedCall> batch = new ArrayList<>();
  private final ArrayList<BatchedCall> groupHeads = new ArrayList<>();
  private final ArrayList<HostTensor> parts = new ArrayList<>();

  /**
   * Per model input, the buffer batches are concatenated into, reused from batch to batch: the
   * model copies its feeds into its own tensors, so a buffer is free again once a run returns,
   * unless an output shares its bytes (a model that echoes its input), when it is let go.
   */
  private ByteBuffer[] inputBuffers = new ByteBuffer[0];

  private boolean warnedUnsplittable;

  /** Named for the version it records through, as {@code telemetry} names it. */
  private Batcher(
      Runner runner, BatchingConfig config, Executor completions, VersionTelemetry telemetry) {
    this.label = "model '" + telemetry.model() + "' version " + telemetry.version();
    this.telemetry = telemetry;
    this.runner = runner;
    this.completions = completions;
    this.maxBatchSize = config.maxBatchSize();
    this.maxQueueDelayNanos = config.maxQueueDelay().toNanos();
    this.preferredBatchSizes =
        config.preferredBatchSizes().stream().mapToInt(Integer::intValue).toArray();
    this.queueCapacity = config.queueCapacity();
    this.wakeRows = preferredBatchSizes.length > 0 ? preferredBatchSizes[0] : maxBatchSize;
    this.tally = new BatchTally(maxBatchSize);
    this.scheduler =
        new Thread(this::schedule, "batcher-" + telemetry.model() + "-" + telemetry.version());
    this.scheduler.setDaemon(true);
  }

  /**
   * Starts a batcher and its scheduler thread, {@code batcher-<model>-<version>}.
   *
   * @param model and {@code version}: what the batcher serves, for logs and the thread name
   * @param runner runs one batch (it is only ever called from the scheduler thread)
   * @param completions where callers are answered
   */
  public static Batcher start(
      String model, long version, Runner runner, BatchingConfig config, Executor completions) {
    return start(runner, config, completions, ModelServerTelemetry.noop().version(model, version));
  }

  /**
   * As {@link #start(String, long, Runner, BatchingConfig, Executor)} for the model version that
   * {@code telemetry} records (and names the batcher and its thread), recording batch sizes and
   * queue waits, and tracing each batch, through it.
   */
  public static Batcher start(
      Runner runner, BatchingConfig config, Executor completions, VersionTelemetry telemetry) {
    Batcher batcher =
        new Batcher(
            requireNonNull(runner, "runner"),
            requireNonNull(config, "config"),
            requireNonNull(completions, "completions"),
            requireNonNull(telemetry, "telemetry"));
    batcher.scheduler.start();
    return batcher;
  }

  /**
   * Queues a call. On {@link Admission#ACCEPTED} the call will be answered exactly once through its
   * callbacks; otherwise it was not queued and the caller answers it.
   */
  public Admission submit(BatchedCall call) {
    if (call.state != BatchedCall.NEW) {
      throw new IllegalStateException("call already submitted");
    }
    int before = queuedCalls.getAndIncrement();
    if (before >= queueCapacity) {
      queuedCalls.decrementAndGet();
      tally.rejected();
      return Admission.QUEUE_FULL;
    }
    // Read after the increment, so that close() either sees this call counted or we see closed.
    if (closed) {
      queuedCalls.decrementAndGet();
      return Admission.CLOSED;
    }
    call.batcher = this;
    call.enqueuedNanos = System.nanoTime();
    call.state = BatchedCall.QUEUED;
    inbox.offer(call);
    long rows = queuedRows.addAndGet(queuedRowsOf(call));
    // A scheduler that is not parked looks at the inbox before it parks. One parked until the
    // oldest call is due needs no wake-up unless this call may make a batch ready sooner.
    int state = schedulerState;
    if (state == PARKED_IDLE
        || (state == PARKED_UNTIL_DUE && (call.rows < 0 || rows >= wakeRows))) {
      LockSupport.unpark(scheduler);
    }
    return Admission.ACCEPTED;
  }

  /** A hint for refused callers: about how long until the queue has drained, at least 1 ms. */
  public long pushbackMillis() {
    long batches = (queuedRows.get() + maxBatchSize - 1) / maxBatchSize;
    long nanos = maxQueueDelayNanos + batches * batchNanos;
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }

  /** The most calls that may wait. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Calls waiting now: the {@code infergate.model.queue.depth} of this version. */
  public int queuedCalls() {
    return queuedCalls.get();
  }

  /** What this batcher has done so far. */
  public BatchStats stats() {
    return tally.stats(queuedCalls.get());
  }

  /**
   * Stops waiting for calls to fill batches: from now on every queued call runs as soon as the
   * scheduler gets to it. Used when the server starts shutting down, so queued calls finish within
   * the grace period however long {@code maxQueueDelay} is.
   */
  public void drain() {
    draining = true;
    LockSupport.unpark(scheduler);
  }

  /**
   * Refuses new calls, runs every queued one, and stops the scheduler thread. Waits up to {@code
   * timeoutMillis} for that; returns false if the scheduler is still busy (a model run that does
   * not end), in which case its calls are answered when it ends.
   */
  public boolean close(long timeoutMillis) {
    closed = true;
    LockSupport.unpark(scheduler);
    try {
      scheduler.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !scheduler.isAlive();
  }

  /** Closes, waiting up to 10 s. */
  @Override
  public void close() {
    if (!close(10_000)) {
      log.warn("Batcher {} still running a batch after 10 s", label);
    }
  }

  @Override
  public String toString() {
    return label;
  }

  /** A queued call's caller has gone: drop it at the next chance. */
  void abandoned() {
    sweepRequested = true;
    if (schedulerState != RUNNING) {
      LockSupport.unpark(scheduler);
    }
  }

  private long queuedRowsOf(BatchedCall call) {
    return call.rows < 0 ? 0 : Math.min(call.rows, maxBatchSize);
  }

  // ---- scheduler thread --------------------------------------------------------------------

  private void schedule() {
    try {
      while (true) {
        for (BatchedCall call; (call = inbox.poll()) != null; ) {
          pending.add(call);
        }
        if (sweepRequested) {
          sweepRequested = false;
          dropAbandoned(pending);
        }
        long now = System.nanoTime();
        long wakeAt = formBatch(now);
        if (!batch.isEmpty()) {
          if (!dropAbandoned(batch)) {
            take(batch);
            run(batch);
          }
          batch.clear();
          continue;
        }
        if (closed && queuedCalls.get() == 0) {
          return;
        }
        if (closed) {
          wakeAt = now + CLOSING_POLL_NANOS; // a submit that raced with close() is on its way
        }
        park(pending.isEmpty() && !closed ? Long.MAX_VALUE : wakeAt - now);
      }
    } catch (RuntimeException | Error e) {
      log.error("Batcher {} failed; refusing its queued calls", label, e);
      closed = true;
      for (BatchedCall call; (call = inbox.poll()) != null; ) {
        pending.add(call);
      }
      for (BatchedCall call : pending) {
        if (call.state == BatchedCall.QUEUED) {
          call.complete(BatchedCall.NotRun.SHUTDOWN);
          finish(call);
        }
      }
      throw e;
    }
  }

  /**
   * Puts the next ready batch, if any, into {@link #batch}; otherwise returns when one will be
   * ready by time alone. Groups of compatible calls are looked at in order of their oldest call.
   */
  private long formBatch(long now) {
    groupHeads.clear();
    long wakeAt = now + Long.MAX_VALUE / 2;
    boolean hurry = draining || closed;
    for (int i = 0; i < pending.size(); i++) {
      BatchedCall head = pending.get(i);
      if (inKnownGroup(head)) {
        continue;
      }
      groupHeads.add(head);
      batch.add(head);
      if (head.rows < 0 || head.rows >= maxBatchSize) {
        return now; // runs alone: it cannot share a batch
      }
      int rows = head.rows;
      boolean full = false;
      for (int j = i + 1; j < pending.size() && !full; j++) {
        BatchedCall call = pending.get(j);
        if (Batches.compatible(head, call)) {
          if (rows + call.rows > maxBatchSize) {
            full = true;
          } else {
            batch.add(call);
            rows += call.rows;
          }
        }
      }
      long due = head.enqueuedNanos + maxQueueDelayNanos;
      if (full || rows == maxBatchSize || hurry || due - now <= 0) {
        return now;
      }
      int preferred = largestPreferredAtMost(rows);
      if (preferred > 0) {
        trimTo(preferred);
        return now;
      }
      batch.clear();
      if (due - wakeAt < 0) {
        wakeAt = due;
      }
    }
    return wakeAt;
  }

  private boolean inKnownGroup(BatchedCall call) {
    for (int g = 0; g < groupHeads.size(); g++) {
      if (Batches.compatible(groupHeads.get(g), call)) {
        return true;
      }
    }
    return false;
  }

  private int largestPreferredAtMost(int rows) {
    int preferred = 0;
    for (int size : preferredBatchSizes) {
      if (size <= rows) {
        preferred = size;
      }
    }
    return preferred;
  }

  /**
   * Keeps the longest prefix of {@link #batch} with at most {@code rows} rows (at least one call).
   */
  private void trimTo(int rows) {
    int sum = 0;
    int keep = 0;
    while (keep < batch.size() && sum + batch.get(keep).rows <= rows) {
      sum += batch.get(keep).rows;
      keep++;
    }
    keep = Math.max(keep, 1);
    while (batch.size() > keep) {
      batch.remove(batch.size() - 1);
    }
  }

  /** Answers and removes the abandoned calls among {@code calls}; true if there were any. */
  private boolean dropAbandoned(List<BatchedCall> calls) {
    boolean any = false;
    for (int i = 0; i < calls.size(); i++) {
      BatchedCall call = calls.get(i);
      if (call.state == BatchedCall.QUEUED && call.abandoned()) {
        dequeue(call);
        tally.dropped();
        call.complete(BatchedCall.NotRun.ABANDONED);
        finish(call);
        any = true;
      }
    }
    if (any) {
      pending.removeIf(call -> call.state != BatchedCall.QUEUED);
    }
    return any;
  }

  /** Takes the calls of a batch out of the queue and counts the batch. */
  private void take(List<BatchedCall> calls) {
    long rows = 0;
    long now = System.nanoTime();
    for (int i = 0; i < calls.size(); i++) {
      BatchedCall call = calls.get(i);
      dequeue(call);
      rows += batchRows(call);
      call.leftQueue(now - call.enqueuedNanos);
    }
    pending.removeIf(call -> call.state != BatchedCall.QUEUED);
    tally.ran(rows, calls.size());
  }

  /** Rows a call adds to its batch's size: for one whose inputs disagree, its first input's. */
  private static long batchRows(BatchedCall call) {
    if (call.rows >= 0) {
      return call.rows;
    }
    long[] shape = call.feeds.length > 0 ? call.feeds[0].shape() : new long[0];
    return shape.length > 0 ? shape[0] : 0;
  }

  private void dequeue(BatchedCall call) {
    call.state = BatchedCall.DONE;
    queuedCalls.decrementAndGet();
    queuedRows.addAndGet(-queuedRowsOf(call));
  }

  private void run(List<BatchedCall> calls) {
    Span span = startBatchSpan(calls);
    long started = System.nanoTime();
    try {
      if (calls.size() == 1) {
        runAlone(calls.get(0));
      } else {
        runMerged(calls);
      }
    } finally {
      span.end();
    }
    telemetry.recordBatch(calls.size());
    long took = System.nanoTime() - started;
    batchNanos = batchNanos == 0 ? took : (7 * batchNanos + took) / 8;
    finish(calls.toArray(new BatchedCall[0]));
  }

  /**
   * The "batch" span: a link to every recorded caller's SERVER span, and the child of the first of
   * them, so that it is sampled whenever any caller is and shows in that caller's trace. Not
   * started (nothing built) when no caller is traced.
   */
  private Span startBatchSpan(List<BatchedCall> calls) {
    if (!telemetry.server().tracing()) {
      return Span.getInvalid();
    }
    Span parent = null;
    for (int i = 0; i < calls.size() && parent == null; i++) {
      Span caller = calls.get(i).callerSpan();
      if (caller.isRecording()) {
        parent = caller;
      }
    }
    if (parent == null) {
      return Span.getInvalid();
    }
    SpanBuilder batch =
        telemetry
            .server()
            .batchSpanBuilder(parent)
            .setAttribute(ModelServerTelemetry.BATCH_SIZE, (long) calls.size())
            .setAttribute(ModelServerTelemetry.SPAN_MODEL, telemetry.model())
            .setAttribute(ModelServerTelemetry.SPAN_MODEL_VERSION, telemetry.version());
    // Only recorded callers: an unsampled caller's span is in no trace to follow a link to, and at
    // 1 % sampling a 64-call batch's links were most of what the exporter wrote.
    for (int i = 0; i < calls.size(); i++) {
      Span caller = calls.get(i).callerSpan();
      if (caller.isRecording()) {
        batch.addLink(caller.getSpanContext());
      }
    }
    return batch.startSpan();
  }

  private void runAlone(BatchedCall call) {
    try {
      call.complete(runner.run(call.feeds, call.fetch));
    } catch (Throwable e) { // an Error too: the call is answered, and the scheduler lives on
      call.complete(e);
    }
  }

  private void runMerged(List<BatchedCall> calls) {
    BatchedCall head = calls.get(0);
    long rows = 0;
    for (int i = 0; i < calls.size(); i++) {
      rows += calls.get(i).rows;
    }
    HostTensor[] outputs;
    try {
      HostTensor[] feeds = new HostTensor[head.feeds.length];
      if (inputBuffers.length < feeds.length) {
        inputBuffers = Arrays.copyOf(inputBuffers, feeds.length);
      }
      for (int input = 0; input < feeds.length; input++) {
        parts.clear();
        for (int i = 0; i < calls.size(); i++) {
          parts.add(calls.get(i).feeds[input]);
        }
        int bytes = Batches.byteSize(parts);
        if (inputBuffers[input] == null || inputBuffers[input].capacity() < bytes) {
          inputBuffers[input] = ByteBuffer.allocate(bytes);
        }
        feeds[input] = Batches.concat(parts, inputBuffers[input]);
      }
      parts.clear();
      outputs = runner.run(feeds, head.fetch);
      releaseSharedInputBuffers(outputs);
    } catch (Throwable e) {
      // The rows of one call may be what the model refused: run each call alone, so that only
      // that call fails and its neighbours are answered as if they had never been batched.
      runEachAlone(calls);
      return;
    }
    if (!Batches.haveRows(outputs, rows)) {
      if (!warnedUnsplittable) {
        warnedUnsplittable = true;
        log.warn(
            "Model {} answered a batch of {} rows with outputs that do not have {} rows; running"
                + " its calls one by one",
            label,
            rows,
            rows);
      }
      runEachAlone(calls);
      return;
    }
    long row = 0;
    for (int i = 0; i < calls.size(); i++) {
      BatchedCall call = calls.get(i);
      HostTensor[] own = new HostTensor[outputs.length];
      for (int k = 0; k < own.length; k++) {
        own[k] = Batches.slice(outputs[k], row, call.rows);
      }
      row += call.rows;
      call.complete(own);
    }
  }

  /**
   * Lets go of the input buffers whose bytes an output shares, so the next batch cannot overwrite
   * them.
   */
  private void releaseSharedInputBuffers(HostTensor[] outputs) {
    for (int input = 0; input < inputBuffers.length; input++) {
      for (HostTensor output : outputs) {
        if (inputBuffers[input] != null && Batches.sharesBytes(output, inputBuffers[input])) {
          inputBuffers[input] = null;
        }
      }
    }
  }

  private void runEachAlone(List<BatchedCall> calls) {
    for (int i = 0; i < calls.size(); i++) {
      runAlone(calls.get(i));
    }
  }

  /**
   * Hands decided calls to the completion executor as one task (or answers them here if that has
   * stopped): one hand-off per batch rather than per call, while batches still answer in parallel.
   */
  private void finish(BatchedCall... calls) {
    Runnable answer = () -> deliver(calls);
    try {
      completions.execute(answer);
    } catch (RejectedExecutionException stopped) {
      answer.run();
    }
  }

  private static void deliver(BatchedCall[] calls) {
    for (BatchedCall call : calls) {
      try {
        call.deliver();
      } catch (Throwable e) { // a bug in the caller's callbacks; the other calls still get answers
        log.error("Answering a batched call failed", e);
      }
    }
  }

  private void park(long nanos) {
    schedulerState = nanos == Long.MAX_VALUE ? PARKED_IDLE : PARKED_UNTIL_DUE;
    try {
      // Re-check after publishing the state: a submit that did not see it has already queued.
      if (!inbox.isEmpty() || sweepRequested || (draining && !pending.isEmpty())) {
        return;
      }
      if (nanos == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else if (nanos > 0) {
        LockSupport.parkNanos(this, nanos);
      }
    } finally {
      schedulerState = RUNNING;
    }
  }
}
