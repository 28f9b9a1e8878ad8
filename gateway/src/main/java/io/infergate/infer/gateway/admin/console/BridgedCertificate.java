package io.infergate.infer.gateway.admin.console;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries a browser connection's client-certificate names across the console's in-process hop: the
 * {@link JsonBridge} puts them in {@link #HEADER}, and this interceptor, installed on the
 * in-process server only, moves them into {@link #NAMES} for the admin service's identity check.
 *
 * <p>Why it cannot be forged: the header is read nowhere but here, and only the bridge calls the
 * in-process server. The bridge builds each call's metadata itself, from the TLS session of the
 * browser's connection and its {@code Authorization} header, never from other request headers; a
 * gRPC client sending this header to the admin port reaches a server without this interceptor,
 * where it means nothing.
 */
final class BridgedCertificate implements ServerInterceptor {
  /** One value per name, UTF-8 (a certificate's common name need not be ASCII). */
  static final Metadata.Key<byte[]> HEADER =
      Metadata.Key.of("infergate-console-certificate-name-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /** The names of the bridged connection's verified client certificate; empty for none. */
  static final Context.Key<List<String>> NAMES =
      Context.keyWithDefault("infergate-console-certificate-names", List.of());

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    List<String> names = new ArrayList<>();
    Iterable<byte[]> values = headers.removeAll(HEADER);
    if (values != null) {
      for (byte[] value : values) {
        names.add(new String(value, UTF_8));
      }
    }
    return Contexts.interceptCall(
        Context.current().withValue(NAMES, List.copyOf(names)), call, headers, next);
  }

  /** Adds {@code names} to {@code headers} for this interceptor to read. */
  static void attach(Metadata headers, List<String> names) {
    for (String name : names) {
      headers.put(HEADER, name.getBytes(UTF_8));
    }
  }
}
