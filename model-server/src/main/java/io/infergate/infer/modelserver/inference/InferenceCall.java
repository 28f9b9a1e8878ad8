package io.infergate.infer.modelserver.inference;

import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.LoadedModel;
import io.infergate.infer.modelserver.batching.BatchedCall;
import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.repository.ServedVersion;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.VersionTelemetry;
import io.opentelemetry.api.trace.Span;
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
 * <p>Telemetry: the call carries its SERVER span (started by the protocol layer, the invalid span
 * when not traced) and, once it has resolved a version, that version's {@link VersionTelemetry}. A
 * traced call gets a "queue" child from the hand-off to its batcher or worker until it leaves that
 * queue, and an unbatched one a "run" child around the model run; a batched call's run is its
 * batch's span, which links to it. Queue waits and run times are recorded whether traced or not.
 *
 * <p>Monitoring: a version that ships a training baseline checks each call's decoded inputs against
 * it before the call is queued, and counts its predicted classes when it is answered ({@link
 * io.infergate.infer.modelserver.monitoring.VersionMonitor}).
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

  private static final double NANOS_PER_SECOND = 1e9;

  /** The version this call holds a reference to, from {@link #start} until {@link #finish}. */
  @SuppressWarnings("unused") // through HELD
  private ServedVersion held;

  private final ModelServerTelemetry telemetry;
  private final Span span;
  private final long startedNanos = System.nanoTime();

  /** The resolved version's telemetry; null until then. Published with the call's hand-offs. */
  private VersionTelemetry served;

  /** Open from the hand-off to a queue until the call leaves it (or is answered from it). */
  private Span queueSpan = Span.getInvalid();

  /** When an unbatched call was handed to the workers (the batcher times its own queue). */
  private long queuedNanos;

  /** A call that records nothing; {@link InferencePath#submit} starts it. */
  protected InferenceCall() {
    this(ModelServerTelemetry.noop(), Span.getInvalid());
  }

  /**
   * A call recorded through {@code telemetry}, traced under {@code span} (its SERVER span, which
   * the subclass ends when it answers; the invalid span when not traced).
   */
  protected InferenceCall(ModelServerTelemetry telemetry, Span span) {
    this.telemetry = telemetry;
    this.span = span;
  }

  /**
   * Whether model monitoring sees this call's data (true but for the server's own warm-up calls).
   */
  protected boolean monitored() {
    return true;
  }

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

  /** The call's SERVER span (the invalid span when not traced). */
  @Override
  protected final Span callerSpan() {
    return span;
  }

  /** The telemetry of the version the call resolved, or of none ({@code "*"}) if it did not. */
  protected final VersionTelemetry served() {
    VersionTelemetry version = served;
    return version == null ? telemetry.unresolved() : version;
  }

  /** When the call arrived, in {@link System#nanoTime()}. */
  protected final long startedNanos() {
    return startedNanos;
  }

  @Override
  protected final void leftQueue(long waitedNanos) {
    served.recordQueueWait(waitedNanos);
    if (span.isRecording()) {
      span.setAttribute(ModelServerTelemetry.QUEUE_WAIT, waitedNanos / NANOS_PER_SECOND);
      endQueueSpan();
    }
  }

  /** Starts the call; it is answered exactly once, now or later, on this thread or another. */
  final void start(ModelResolver models, WorkerQueue workers) {
    ServedVersion version;
    try {
      version = acquire(models);
    } catch (Throwable e) {
      refuse(InferenceException.from(e)); // nothing held yet
      return;
    }
    served = version.telemetry();
    served.describe(span);
    HELD.setRelease(this, version);
    boolean inline = false;
    try {
      LoadedModel model = version.loaded();
      inputs(decodeInputs(model), decodeOutputs(model));
      if (monitored()) {
        version.monitor().inputs(feeds(), span);
      }
      queueSpan = telemetry.startChild("queue", span);
      Batcher batcher = version.batcher();
      if (batcher == null) {
        queuedNanos = System.nanoTime();
        if (!workers.runsInline(served.recentRunNanos())) {
          workers.submit(this);
          return;
        }
        inline = true;
      } else {
        submitTo(batcher, version);
      }
    } catch (Throwable e) {
      finish(null, e);
      return;
    }
    if (inline) {
      run(); // outside the try above: run() answers the call itself, whatever it throws
    } else {
      queued();
    }
  }

  private void submitTo(Batcher batcher, ServedVersion version) {
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
  }

  /**
   * A worker runs the call of an unbatched version, unless its caller has gone meanwhile; or the
   * receiving thread runs it at once, when the {@link WorkerQueue} says that is cheaper.
   */
  @Override
  public final void run() {
    if (abandoned()) {
      finish(null, LEFT_WHILE_WAITING);
      return;
    }
    leftQueue(System.nanoTime() - queuedNanos);
    Span run = telemetry.startChild("run", span);
    long started = System.nanoTime();
    HostTensor[] outputs;
    try {
      outputs = ((ServedVersion) HELD.getAcquire(this)).loaded().run(feeds(), fetch());
    } catch (Throwable e) {
      finish(null, e);
      return;
    } finally {
      served.recordRun(System.nanoTime() - started);
      run.end();
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
    endQueueSpan(); // answered from its queue: shed, dropped, or the server stopped
    R response = null;
    Throwable cause = failure;
    try {
      if (outputs != null) {
        if (monitored()) {
          version.monitor().predictions(outputs, fetch());
        }
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

  private void endQueueSpan() {
    if (queueSpan.isRecording()) {
      queueSpan.end();
      queueSpan = Span.getInvalid();
    }
  }
}
