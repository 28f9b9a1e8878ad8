package io.infergate.infer.modelserver.grpc;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.observability.telemetry.TraceHeaders;

/**
 * Reads the caller's trace context ({@code traceparent}, {@code tracestate}) from the request
 * headers into the call's gRPC {@link Context}, where {@link GrpcCall} finds the parent of its
 * SERVER span. Service methods never see headers, so this is the one thing an interceptor must do;
 * the span itself is started and ended by the call, which knows the version and the status.
 * Installed only when spans are recorded: without it a call finds no parent and, with tracing off,
 * starts no span.
 */
public final class TraceContextInterceptor implements ServerInterceptor {
  /** The caller's context as extracted; absent when no interceptor ran (tracing off). */
  static final Context.Key<io.opentelemetry.context.Context> PARENT =
      Context.key("infergate-trace-parent");

  private final TraceHeaders traceHeaders;

  private TraceContextInterceptor(TraceHeaders traceHeaders) {
    this.traceHeaders = traceHeaders;
  }

  /**
   * {@code service}, reading its callers' trace context when {@code telemetry} records spans, and
   * untouched (no per-call cost) when it does not.
   */
  public static ServerServiceDefinition around(
      BindableService service, ModelServerTelemetry telemetry) {
    if (!telemetry.tracing()) {
      return service.bindService();
    }
    return ServerInterceptors.intercept(
        service, new TraceContextInterceptor(telemetry.traceHeaders()));
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    io.opentelemetry.context.Context parent = traceHeaders.extract(headers);
    // A call without (valid) trace context starts a new trace, as one with no parent does: it
    // needs no context of its own, whose attaching around each callback of the call costs a little.
    if (parent == io.opentelemetry.context.Context.root()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(PARENT, parent), call, headers, next);
  }

  /** The parent the interceptor extracted for the current call, or null. */
  static io.opentelemetry.context.Context parent() {
    return PARENT.get();
  }
}
