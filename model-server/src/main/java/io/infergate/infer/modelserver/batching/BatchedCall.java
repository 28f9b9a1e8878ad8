package io.infergate.infer.modelserver.batching;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.opentelemetry.api.trace.Span;

/**
 * One call waiting in a {@link Batcher}: its inputs, the outputs it wants, and how to answer it.
 * The call path subclasses it once per call. Exactly one of {@link #succeeded}, {@link #failed} and
 * {@link #notRun} is called, once, on the batcher's completion executor, unless {@link
 * Batcher#submit} refused the call.
 */
public abstract class BatchedCall {
  /** Why a call was answered without running. */
  public enum NotRun {
    /** The caller cancelled, or its deadline passed, while the call was queued. */
    ABANDONED,
    /** The server stopped before the call's batch formed. */
    SHUTDOWN
  }

  static final int NEW = 0;
  static final int QUEUED = 1;
  static final int DONE = 2;

  // Set once, before the call is submitted (which publishes them to the scheduler).
  HostTensor[] feeds;
  int[] fetch;

  /** Rows along the first dimension, or -1 when the inputs disagree on it (the call runs alone). */
  int rows;

  /** Written by the submitting thread before the call is queued, then only by the scheduler. */
  volatile int state = NEW;

  Batcher batcher;
  long enqueuedNanos;

  // Set by the scheduler before the call is handed to the completion executor.
  private HostTensor[] outputs;
  private Throwable failure;
  private NotRun notRun;

  /**
   * @param feeds one tensor per model input, checked against the signature
   * @param fetch indexes of the outputs wanted, as for {@code TensorFlowModel#run}
   */
  protected BatchedCall(HostTensor[] feeds, int[] fetch) {
    inputs(feeds, fetch);
  }

  /** A call whose inputs are set later, by {@link #inputs}, before it is submitted. */
  protected BatchedCall() {}

  /**
   * Sets what the call runs with, once, before it is submitted.
   *
   * @param feeds one tensor per model input, checked against the signature
   * @param fetch indexes of the outputs wanted, as for {@code LoadedModel#run}
   */
  protected final void inputs(HostTensor[] feeds, int[] fetch) {
    this.feeds = requireNonNull(feeds, "feeds");
    this.fetch = requireNonNull(fetch, "fetch");
    this.rows = Batches.commonRows(feeds);
  }

  /** The inputs, one tensor per model input. */
  protected final HostTensor[] feeds() {
    return feeds;
  }

  /** Indexes of the outputs wanted. */
  protected final int[] fetch() {
    return fetch;
  }

  /**
   * Whether the caller has gone away (cancelled, or past its deadline), so the call must not run.
   * Called on the scheduler thread just before the call would join a batch; must be cheap.
   */
  protected abstract boolean abandoned();

  /**
   * The caller's SERVER span, which the span of the batch this call runs in links to; the invalid
   * span when the call is not traced.
   */
  protected Span callerSpan() {
    return Span.getInvalid();
  }

  /**
   * The call has left the queue for a batch that runs now, after waiting {@code waitedNanos}.
   * Called on the scheduler thread; must be cheap. Calls dropped from the queue never get it.
   */
  protected void leftQueue(long waitedNanos) {}

  /** The call ran: {@code outputs} are its own rows of each fetched output. */
  protected abstract void succeeded(HostTensor[] outputs);

  /** The model failed on this call's rows (an {@link Error} included). */
  protected abstract void failed(Throwable failure);

  /** The call was answered without running. */
  protected abstract void notRun(NotRun reason);

  /**
   * Tells the batcher that this call has been abandoned (for instance from a cancellation
   * listener), so it leaves the queue now rather than when the next batch forms. Harmless at any
   * time, from any thread.
   */
  public final void abandon() {
    if (state == QUEUED) {
      batcher.abandoned();
    }
  }

  void complete(HostTensor[] outputs) {
    this.outputs = outputs;
  }

  void complete(Throwable failure) {
    this.failure = failure;
  }

  void complete(NotRun notRun) {
    this.notRun = notRun;
  }

  /** Runs on the completion executor. */
  void deliver() {
    if (outputs != null) {
      succeeded(outputs);
    } else if (failure != null) {
      failed(failure);
    } else {
      notRun(notRun);
    }
  }
}
