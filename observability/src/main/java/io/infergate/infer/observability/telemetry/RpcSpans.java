package io.infergate.infer.observability.telemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.Objects.requireNonNull;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;

/**
 * The spans of gRPC calls, as both servers make them after OpenTelemetry's RPC conventions: a call
 * is a SERVER span named by its full method, under its caller's context, ended with its status
 * code. A call that starts a new trace is decided on by the {@link RootSampler} before any span is
 * built. With no tracer (telemetry off) nothing is made, not even a span builder: the API's no-op
 * tracer still allocates one per span.
 */
public final class RpcSpans {
  public static final AttributeKey<String> RPC_SYSTEM = stringKey("rpc.system");
  public static final AttributeKey<String> RPC_SERVICE = stringKey("rpc.service");
  public static final AttributeKey<String> RPC_METHOD = stringKey("rpc.method");
  public static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = longKey("rpc.grpc.status_code");

  private final boolean on;
  private final Tracer tracer;
  private final TraceHeaders headers;
  private final RootSampler roots;

  /** The spans of {@code otel}'s tracer of {@code scope}. */
  public RpcSpans(OpenTelemetry otel, String scope) {
    requireNonNull(otel, "otel");
    this.on = otel.getTracerProvider() != TracerProvider.noop();
    this.tracer = otel.getTracer(scope);
    this.headers = new TraceHeaders(otel.getPropagators().getTextMapPropagator());
    this.roots = RootSampler.of(otel);
  }

  /**
   * {@code rpc.system}, {@code rpc.service} and {@code rpc.method} of a gRPC method: build them
   * once per method, not per call.
   */
  public static Attributes methodAttributes(String fullMethodName) {
    return Attributes.of(
        RPC_SYSTEM,
        "grpc",
        RPC_SERVICE,
        MethodDescriptor.extractFullServiceName(fullMethodName),
        RPC_METHOD,
        MethodDescriptor.extractBareMethodName(fullMethodName));
  }

  /** Whether spans are recorded at all: false with a no-op tracer provider. */
  public boolean on() {
    return on;
  }

  /** How trace context travels in the calls' headers. */
  public TraceHeaders headers() {
    return headers;
  }

  /**
   * The SERVER span of a call of {@code fullMethodName} under {@code parent} (the caller's context,
   * the root context for a new trace); the invalid span, without allocating, when tracing is off.
   */
  public Span startServer(String fullMethodName, Attributes attributes, Context parent) {
    if (!on) {
      return Span.getInvalid();
    }
    if (parent == Context.root() && !roots.sample()) {
      return roots.notSampled(); // a new trace, not recorded: no SDK builder (RootSampler)
    }
    Span span =
        tracer
            .spanBuilder(fullMethodName)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .startSpan();
    // Attributes after the sampler's decision, not on the builder: most calls are not sampled,
    // and a builder's attributes are copied for the sampler whatever it decides. Our samplers
    // (ratio, parent-based) do not read them.
    if (span.isRecording()) {
      span.setAllAttributes(attributes);
    }
    return span;
  }

  /**
   * A builder of a {@code kind} span named {@code name}, child of {@code parent}: a server's CLIENT
   * span of an upstream call, or its own INTERNAL ones (queue, run, batch). It is built whatever
   * the parent: callers ask first whether the parent is recorded, so that an unsampled call builds
   * nothing.
   */
  public SpanBuilder child(String name, SpanKind kind, Span parent) {
    return tracer.spanBuilder(name).setSpanKind(kind).setParent(Context.root().with(parent));
  }

  /**
   * Ends {@code span} with a gRPC status code, marking it failed as the RPC conventions say: a
   * client span on any code but OK, a server span only on codes that are the server's fault.
   */
  public static void end(Span span, Status.Code code, boolean server) {
    if (span.isRecording()) {
      span.setAttribute(RPC_GRPC_STATUS_CODE, code.value());
      if (server ? isServerError(code) : code != Status.Code.OK) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }
  }

  /** The codes OpenTelemetry's RPC conventions count as a server span's error. */
  static boolean isServerError(Status.Code code) {
    return switch (code) {
      case UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS -> true;
      default -> false;
    };
  }
}
