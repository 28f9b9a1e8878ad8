package io.infergate.infer.observability.telemetry;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;

/**
 * Reads and writes trace context in gRPC headers for OpenTelemetry's propagators. The W3C keys (the
 * default propagators' {@code traceparent}, {@code tracestate} and {@code baggage}) have their
 * {@link Metadata.Key} made once; other propagators' keys (rare) are made when asked for. Writing
 * replaces: a forwarded call carries the forwarder's span, not its caller's.
 */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRACESTATE =
      Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> BAGGAGE =
      Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER);

  /** The keys of a propagator's {@code fields}, made once; binary headers are not read. */
  static Metadata.Key<?>[] keysOf(Collection<String> fields) {
    return fields.stream()
        .filter(field -> !field.endsWith(Metadata.BINARY_HEADER_SUFFIX))
        .map(MetadataCarrier::keyOf)
        .toArray(Metadata.Key<?>[]::new);
  }

  @Override
  public Iterable<String> keys(Metadata carrier) {
    return carrier.keys();
  }

  @Override
  public String get(Metadata carrier, String key) {
    if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return null;
    }
    return carrier.get(keyOf(key));
  }

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return;
    }
    Metadata.Key<String> header = keyOf(key);
    carrier.discardAll(header);
    carrier.put(header, value);
  }

  private static Metadata.Key<String> keyOf(String name) {
    return switch (name) {
      case "traceparent" -> TRACEPARENT;
      case "tracestate" -> TRACESTATE;
      case "baggage" -> BAGGAGE;
      default -> Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    };
  }
}
