package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;

/**
 * Denies by default: a call needs {@code authorization: Bearer TOKEN} naming a known identity (else
 * UNAUTHENTICATED) whose role is at least the method's (else PERMISSION_DENIED); a method missing
 * from the table needs {@link Role#ADMIN}. The identity travels in {@link #IDENTITY} for the audit
 * log. Client certificates (mTLS) are a later source of identities.
 */
final class AdminAuthInterceptor implements ServerInterceptor {
  /** Who is calling, for the service. */
  static final Context.Key<Identity> IDENTITY = Context.key("infergate-admin-identity");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";
  private static final Status NO_IDENTITY =
      Status.UNAUTHENTICATED.withDescription(
          "admin calls need \"authorization: Bearer TOKEN\" with a token of the tokens file");

  private final BearerTokens tokens;
  private final Map<String, Role> required;

  /**
   * @param required the least role by full method name
   */
  AdminAuthInterceptor(BearerTokens tokens, Map<String, Role> required) {
    this.tokens = requireNonNull(tokens, "tokens");
    this.required = Map.copyOf(required);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String authorization = headers.get(AUTHORIZATION);
    Identity identity =
        authorization != null && authorization.startsWith(BEARER)
            ? tokens.identify(authorization.substring(BEARER.length()).strip())
            : null;
    if (identity == null) {
      call.close(NO_IDENTITY, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    Role least = required.getOrDefault(method, Role.ADMIN);
    if (!identity.role().allows(least)) {
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              identity.name()
                  + " is "
                  + identity.role()
                  + "; "
                  + method
                  + " needs "
                  + least
                  + " or above"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(IDENTITY, identity), call, headers, next);
  }
}
