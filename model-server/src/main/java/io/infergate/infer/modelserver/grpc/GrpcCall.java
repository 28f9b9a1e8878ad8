package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.inference.InferenceCall;
import java.util.concurrent.Executor;

/**
 * An inference call that came in over gRPC: answers its observer, and watches the call's {@link
 * Context} so that a caller who cancels or runs out of time is dropped before it runs, and leaves a
 * batching queue at once.
 *
 * @param <ReqT> the request message
 * @param <RespT> the response message
 */
abstract class GrpcCall<ReqT, RespT> extends InferenceCall<RespT>
    implements Context.CancellationListener {
  /** The listener only flags the call and wakes the scheduler: cheap enough for any thread. */
  private static final Executor DIRECTLY = Runnable::run;

  /** What the caller sent. */
  protected final ReqT request;

  private final StreamObserver<RespT> observer;
  private final Context context;
  private final Deadline deadline;

  /**
   * A call for {@code request}, answered through {@code observer}, in the context of the thread
   * that received it.
   */
  GrpcCall(ReqT request, StreamObserver<RespT> observer) {
    this.request = request;
    this.observer = requireNonNull(observer, "observer");
    this.context = Context.current();
    this.deadline = context.getDeadline();
  }

  @Override
  protected final boolean abandoned() {
    return context.isCancelled() || (deadline != null && deadline.isExpired());
  }

  @Override
  protected final void queued() {
    context.addListener(this, DIRECTLY);
  }

  @Override
  protected final void reply(RespT response) {
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  protected final void refuse(InferenceException failure) {
    Statuses.reply(observer, failure, deadline);
  }

  /** The call's context was cancelled: by the caller, its deadline, or the call's own end. */
  @Override
  public final void cancelled(Context context) {
    abandon();
  }
}
