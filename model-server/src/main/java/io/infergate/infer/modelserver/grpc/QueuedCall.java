package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.HostTensor;
import io.infergate.infer.modelserver.batching.BatchedCall;
import io.infergate.infer.modelserver.batching.Batcher;
import io.infergate.infer.modelserver.repository.ServedVersion;
import java.util.concurrent.Executor;

/**
 * A unary call waiting for its batch: answers its observer from the batcher's outcome, and watches
 * the call's {@link Context} so that a caller who cancels or runs out of time leaves the queue at
 * once and never takes a row of a batch. Releases its model version when answered.
 *
 * @param <RespT> the response message
 */
abstract class QueuedCall<RespT> extends BatchedCall implements Context.CancellationListener {
  /** The listener only flags the call and wakes the scheduler: cheap enough for any thread. */
  private static final Executor DIRECTLY = Runnable::run;

  private final StreamObserver<RespT> observer;
  private final Context context;
  private final Deadline deadline;
  private final ServedVersion version;

  /**
   * @param context the call's context, captured on the thread that received it
   * @param version the batched version, acquired for this call; released once it is answered
   */
  QueuedCall(
      HostTensor[] feeds,
      int[] fetch,
      StreamObserver<RespT> observer,
      Context context,
      ServedVersion version) {
    super(feeds, fetch);
    this.observer = requireNonNull(observer, "observer");
    this.context = requireNonNull(context, "context");
    this.deadline = context.getDeadline();
    this.version = requireNonNull(version, "version");
  }

  /**
   * Queues this call on its version's batcher, or throws the rejection to answer it with (the
   * caller then still owns the version's reference).
   *
   * @throws Statuses.Rejection RESOURCE_EXHAUSTED with retry pushback when the queue is full,
   *     UNAVAILABLE when the server is shutting down
   */
  final void submit() {
    Batcher batcher = version.batcher();
    switch (batcher.submit(this)) {
      case ACCEPTED -> context.addListener(this, DIRECTLY);
      case QUEUE_FULL ->
          throw Statuses.queueFull(
              version.model(), version.number(), batcher.queueCapacity(), batcher.pushbackMillis());
      case CLOSED -> throw Statuses.shuttingDown();
    }
  }

  /** The response for this call's own rows of the fetched outputs. */
  abstract RespT response(HostTensor[] outputs);

  @Override
  protected final boolean abandoned() {
    return context.isCancelled() || (deadline != null && deadline.isExpired());
  }

  @Override
  protected final void succeeded(HostTensor[] outputs) {
    RespT response;
    try {
      response = response(outputs);
    } catch (RuntimeException e) {
      version.release();
      Statuses.reply(observer, e);
      return;
    }
    version.release();
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  protected final void failed(RuntimeException failure) {
    version.release();
    Statuses.reply(observer, failure);
  }

  @Override
  protected final void notRun(NotRun reason) {
    version.release();
    observer.onError(Statuses.notRun(reason, context).asRuntimeException());
  }

  /** The call's context was cancelled: by the caller, its deadline, or the call's own end. */
  @Override
  public final void cancelled(Context context) {
    abandon();
  }
}
