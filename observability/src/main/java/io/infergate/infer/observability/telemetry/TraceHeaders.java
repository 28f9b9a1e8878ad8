package io.infergate.infer.observability.telemetry;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * A propagator's trace context in gRPC headers: what a server reads from its callers and a
 * forwarding gateway writes upstream. Most calls carry no trace context (callers that trace are
 * few, and behind a gateway only its calls do); for those, {@link #extract} looks each of the
 * propagator's headers up once and returns the root context, instead of running the propagator,
 * which would look them up as well (a composite one, once per part) to say so.
 */
public final class TraceHeaders {
  private final TextMapPropagator propagator;

  /** The headers {@link #propagator} reads: a call carrying none of them has no parent. */
  private final Metadata.Key<?>[] fields;

  public TraceHeaders(TextMapPropagator propagator) {
    this.propagator = requireNonNull(propagator, "propagator");
    this.fields = MetadataCarrier.keysOf(propagator.fields());
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

  /** Writes {@code context}'s trace context into {@code headers}, replacing any already there. */
  public void inject(Context context, Metadata headers) {
    propagator.inject(context, headers, MetadataCarrier.INSTANCE);
  }
}
