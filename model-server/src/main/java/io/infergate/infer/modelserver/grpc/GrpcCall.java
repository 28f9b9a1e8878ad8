package io.infergate.infer.modelserver.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.inference.InferenceCall;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.telemetry.Outcome;
import io.infergate.infer.modelserver.telemetry.RpcMethod;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.observability.telemetry.RpcSpans;
import java.util.concurrent.Executor;

/**
 * An inference call that came in over gRPC: answers its observer, and watches the call's {@link
 * Context} so that a caller who cancels or runs out of time is dropped before it runs, and leaves a
 * batching queue at once. Its SERVER span starts here, when the service receives the request, under
 * the parent that {@link TraceContextInterceptor} extracted, and ends with the call's metrics just
 * before the answer is sent, once the version and the status are known.
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

  /** The call's context, which holds its deadline too (read there, not kept in a field). */
  private final Context context;

  private final RpcMethod method;

  /**
   * False for the server's own warm-up calls: their zeros are not callers' data, and they are not
   * callers' calls, so neither model monitoring nor the call metrics see them.
   */
  private final boolean monitored;

  /**
   * A call of {@code method} for {@code request}, answered through {@code observer}, in the context
   * of the thread that received it, recorded through {@code telemetry}.
   */
  GrpcCall(
      ReqT request,
      StreamObserver<RespT> observer,
      ModelServerTelemetry telemetry,
      RpcMethod method) {
    super(telemetry, telemetry.startServerSpan(method, TraceContextInterceptor.parent()));
    this.method = method;
    this.request = request;
    this.observer = requireNonNull(observer, "observer");
    this.context = Context.current();
    this.monitored = !Warmup.isWarmupCall();
  }

  @Override
  protected final boolean monitored() {
    return monitored;
  }

  @Override
  protected final boolean abandoned() {
    Deadline deadline = context.getDeadline();
    return context.isCancelled() || (deadline != null && deadline.isExpired());
  }

  @Override
  protected final void queued() {
    context.addListener(this, DIRECTLY);
  }

  @Override
  protected final void reply(RespT response) {
    ended(Status.Code.OK);
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  protected final void refuse(InferenceException failure) {
    Status status = Statuses.toStatus(failure, context.getDeadline());
    ended(status.getCode());
    Statuses.send(observer, status, failure);
  }

  private void ended(Status.Code code) {
    if (monitored) {
      served()
          .recordCall(
              method.api(), Outcome.ofStatusCode(code.value()), System.nanoTime() - startedNanos());
    }
    RpcSpans.end(callerSpan(), code, true);
  }

  /** The call's context was cancelled: by the caller, its deadline, or the call's own end. */
  @Override
  public final void cancelled(Context context) {
    abandon();
  }
}
