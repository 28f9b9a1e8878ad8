package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * An admin client's token, sent as {@code authorization: Bearer TOKEN} on each call: the
 * credentials {@code gatewayctl} (and any Java client) attaches to its admin stub with {@code
 * withCallCredentials}. The admin port checks it against its tokens file.
 */
public final class BearerToken extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final String PREFIX = "Bearer ";

  private final Metadata headers = new Metadata();

  public BearerToken(String token) {
    headers.put(AUTHORIZATION, PREFIX + requireNonNull(token, "token"));
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    // At any security level: the admin port's TLS is optional. The applier copies the headers.
    applier.apply(headers);
  }
}
