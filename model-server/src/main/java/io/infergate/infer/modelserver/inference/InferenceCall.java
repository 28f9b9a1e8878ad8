package io.infergate.infer.modelserver.inference;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.batching.BatchedCall;
import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.repository.ServedVersion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One inference call, and the one path every call takes, whatever protocol it came in on: acquire
 * the model version the request names, decode the request against its signature, queue it for a
 * batch or hand it to a worker, drop it if its caller has gone before it runs, run it, and answer
 * it exactly once, releasing the version exactly once in {@link #finish} whatever was thrown.
 *
 * <p>A protocol subclasses it once: to say which version a request names, to decode its inputs and
 * the outputs it wants, and to encode and send the answer or the failure. Nothing here knows gRPC.
 * The call object is all a call allocates on this path: it is the batcher's queue entry and the
 * worker's task.
 *
 * @param <R> the response message
 */
public abstract class InferenceCall<R> extends BatchedCall implements Runnable {
  private static final VarHandle HELD;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(InferenceCall.class, "held", ServedVersion.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final InferenceException LEFT_WHILE_QUEUED =
      InferenceException.of(InferenceException.Kind.ABANDONED, "while queued for a batch");
  private static final InferenceException LEFT_WHILE_WAITING =
      InferenceException.of(InferenceException.Kind.ABANDONED, "while waiting for a worker");

  /** The version this call holds a reference to, from {@link #start} until {@link #finish}. */
  @SuppressWarnings("unused") // through HELD
  private ServedVersion held;

  /** A call; {@link InferencePath#submit} starts it. */
  protected InferenceCall() {}

  /**
   * Finds the version the request names and takes a reference to it ({@link
   * ModelResolver#acquire}), which the call path releases.
   *
   * @throws InferenceException NOT_FOUND or BAD_INPUT naming what is missing
   */
  protected abstract ServedVersion acquire(ModelResolver models);

  /**
   * The request's inputs checked against {@code model}'s signature: one tensor per input, in the
   * order of its inputs.
   *
   * @throws InferenceException BAD_INPUT naming the input and what was expected
   */
  protected abstract HostTensor[] decodeInputs(LoadedModel model);

  /**
   * Indexes into {@code model}'s outputs of those the request wants, in the order wanted.
   *
   * @throws InferenceException BAD_INPUT naming the output
   */
  protected abstract int[] decodeOutputs(LoadedModel model);

  /** The answer to send: {@code outputs} (the fetched ones, in order) encoded. */
  protected abstract R response(ServedVersion version, HostTensor[] outputs);

  /** Sends the answer. */
  protected abstract void reply(R response);

  /** Sends the failure. */
  protected abstract void refuse(InferenceException failure);

  /**
   * The call has joined a batcher's queue, where it may wait; a subclass that can tell when its
   * caller leaves calls {@link #abandon()} then, so it leaves the queue at once. May come after the
   * call has been answered.
   */
  protected void queued() {}

  /** Starts the call; it is answered exactly once, now or later, on this thread or another. */
  final void start(ModelResolver models, WorkerQueue workers) {
    ServedVersion version;
    try {
      version = acquire(models);
    } catch (Throwable e) {
      refuse(InferenceException.from(e)); // nothing held yet
      return;
    }
    HELD.setRelease(this, version);
    try {
      LoadedModel model = version.loaded();
      inputs(decodeInputs(model), decodeOutputs(model));
      Batcher batcher = version.batcher();
      if (batcher == null) {
        workers.submit(this);
        return;
      }
      switch (batcher.submit(this)) {
        case ACCEPTED -> {}
        case QUEUE_FULL ->
            throw InferenceException.overloaded(
                version
                    + ": batching queue is full ("
                    + batcher.queueCapacity()
                    + " calls, the"
                    + " queueCapacity)",
                batcher.pushbackMillis());
        case CLOSED -> throw InferenceException.shuttingDown();
      }
    } catch (Throwable e) {
      finish(null, e);
      return;
    }
    queued();
  }

  /** A worker runs the call of an unbatched version, unless its caller has gone meanwhile. */
  @Override
  public final void run() {
    if (abandoned()) {
      finish(null, LEFT_WHILE_WAITING);
      return;
    }
    HostTensor[] outputs;
    try {
      outputs = ((ServedVersion) HELD.getAcquire(this)).loaded().run(feeds(), fetch());
    } catch (Throwable e) {
      finish(null, e);
      return;
    }
    finish(outputs, null);
  }

  @Override
  protected final void succeeded(HostTensor[] outputs) {
    finish(outputs, null);
  }

  @Override
  protected final void failed(Throwable failure) {
    finish(null, failure);
  }

  @Override
  protected final void notRun(NotRun reason) {
    finish(null, reason == NotRun.SHUTDOWN ? InferenceException.shuttingDown() : LEFT_WHILE_QUEUED);
  }

  /**
   * Answers the call and releases its version: the one place either happens. The version is
   * released once the answer is encoded (the outputs are the call's own copies), before it is sent,
   * whatever encoding throws.
   */
  private void finish(HostTensor[] outputs, Throwable failure) {
    ServedVersion version = (ServedVersion) HELD.getAndSet(this, null);
    if (version == null) {
      throw new IllegalStateException("call answered twice"); // a bug in the call path
    }
    R response = null;
    Throwable cause = failure;
    try {
      if (outputs != null) {
        response = response(version, outputs);
      }
    } catch (Throwable e) {
      cause = e;
    } finally {
      version.release();
    }
    if (response != null) {
      reply(response);
    } else {
      refuse(InferenceException.from(cause));
    }
  }
}
