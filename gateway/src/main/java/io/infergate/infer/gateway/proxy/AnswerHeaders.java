package io.infergate.infer.gateway.proxy;

import io.grpc.Metadata;

/**
 * The headers the gateway puts on its answers, for callers that read them: which variant answered
 * (in the response headers, or in the trailers of an answer of trailers only), which fallback did,
 * and how long a refused caller should wait before trying again.
 */
public final class AnswerHeaders {
  /** {@code x-variant: NAME} or {@code NAME;version=V}: the variant that answered. */
  public static final Metadata.Key<String> X_VARIANT =
      Metadata.Key.of("x-variant", Metadata.ASCII_STRING_MARSHALLER);

  /** {@code x-fallback: NAME;from=VARIANT}: the call was answered by its route's fallback. */
  public static final Metadata.Key<String> X_FALLBACK =
      Metadata.Key.of("x-fallback", Metadata.ASCII_STRING_MARSHALLER);

  /** gRPC's retry pushback, in milliseconds, on a call the gateway shed or refused. */
  public static final Metadata.Key<String> RETRY_PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private AnswerHeaders() {}
}
