package io.infergate.infer.observability.telemetry;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Set;

/**
 * A propagator's trace context in gRPC headers: what a server reads from its callers and a
 * forwarding gateway writes upstream. Most calls carry no trace context (callers that trace are
 * few, and behind a gateway only its calls do); for those, {@link #extract} looks each of the
 * propagator's headers up once and returns the root context, instead of running the propagator,
 * which would look them up as well (a composite one, once per part) to say so.
 */
public final class TraceHeaders {
  private static final Set<String> W3C_FIELDS = Set.of("traceparent", "tracestate", "baggage");

  private final TextMapPropagator propagator;

  /** The headers {@link #propagator} reads: a call carrying none of them has no parent. */
  private final Metadata.Key<?>[] fields;

  /**
   * Whether the propagator writes a root span's context as {@code traceparent} alone: W3C trace
   * context, with or without W3C baggage (the default), which writes nothing for a root's empty
   * baggage.
   */
  private final boolean w3cOnly;

  public TraceHeaders(TextMapPropagator propagator) {
    this.propagator = requireNonNull(propagator, "propagator");
    this.fields = MetadataCarrier.keysOf(propagator.fields());
    this.w3cOnly =
        propagator.fields().contains(MetadataCarrier.TRACEPARENT.originalName())
            && W3C_FIELDS.containsAll(propagator.fields());
  }

  /** Whether {@code headers} carry any of the propagator's fields. */
  public boolean present(Metadata headers) {
    for (Metadata.Key<?> field : fields) {
      if (headers.containsKey(field)) {
        return true;
      }
    }
    return false;
  }

  /** The caller's trace context from {@code headers}, under the root context; the root if none. */
  public Context extract(Metadata headers) {
    return present(headers)
        ? propagator.extract(Context.root(), headers, MetadataCarrier.INSTANCE)
        : Context.root();
  }

  /**
   * Writes the context of {@code span}, a span no part of whose trace is recorded, into {@code
   * headers}, replacing any already there: so that the next hop drops its part too. A not-sampled
   * new trace's span ({@link RootSampler#notSampled}) is written as its {@code traceparent} string
   * alone, the one header the W3C propagator would write for it (without its context, the
   * propagator's buffers and a lookup of the key by name, a little of every unsampled call's cost).
   */
  public void injectNotSampled(Span span, Metadata headers) {
    if (span instanceof NotSampledSpan root && w3cOnly) {
      headers.discardAll(MetadataCarrier.TRACEPARENT);
      headers.put(MetadataCarrier.TRACEPARENT, root.traceparent());
    } else {
      inject(Context.root().with(span), headers);
    }
  }

  /** Writes {@code context}'s trace context into {@code headers}, replacing any already there. */
  public void inject(Context context, Metadata headers) {
    propagator.inject(context, headers, MetadataCarrier.INSTANCE);
  }
}
