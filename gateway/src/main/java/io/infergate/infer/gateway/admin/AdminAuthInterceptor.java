package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.infergate.infer.gateway.admin.console.Console;
import io.infergate.infer.gateway.proxy.CallerNames;
import java.util.List;
import java.util.Map;

/**
 * Denies by default: a call needs an identity whose role is at least the method's (else
 * PERMISSION_DENIED); a method missing from the table needs {@link Role#ADMIN}. The identity is
 * either
 *
 * <ul>
 *   <li>{@code authorization: Bearer TOKEN} naming a known token; a call that sends this header is
 *       the token's, whatever certificate its connection presented (the certificate admitted the
 *       connection, the token says who acts), and an unknown token is UNAUTHENTICATED, never a fall
 *       back to the certificate; or
 *   <li>a verified client certificate (the connection's TLS session, or the browser connection's
 *       for a call through the console's bridge) one of whose names, in {@link CallerNames}' order,
 *       {@code admin.clientRoles} lists: the first such name is the identity. A certificate none of
 *       whose names is listed is PERMISSION_DENIED, naming them.
 * </ul>
 *
 * <p>Neither: UNAUTHENTICATED. The identity travels in {@link #IDENTITY} for the audit log.
 */
final class AdminAuthInterceptor implements ServerInterceptor {
  /** Who is calling, for the service. */
  static final Context.Key<Identity> IDENTITY = Context.key("infergate-admin-identity");

  private static final Status NO_IDENTITY =
      Status.UNAUTHENTICATED.withDescription(
          "admin calls need \"authorization: Bearer TOKEN\" with a token of the tokens file, or a"
              + " client certificate named in admin.clientRoles");
  private static final Status UNKNOWN_TOKEN =
      Status.UNAUTHENTICATED.withDescription(
          "the \"authorization\" header is no \"Bearer TOKEN\" with a token of the tokens file");

  private final BearerTokens tokens;
  private final Map<String, Role> clientRoles;
  private final Map<String, Role> required;

  /**
   * @param clientRoles a client certificate's name to its role
   * @param required the least role by full method name
   */
  AdminAuthInterceptor(
      BearerTokens tokens, Map<String, Role> clientRoles, Map<String, Role> required) {
    this.tokens = requireNonNull(tokens, "tokens");
    this.clientRoles = Map.copyOf(clientRoles);
    this.required = Map.copyOf(required);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Identity identity;
    String authorization = headers.get(BearerToken.AUTHORIZATION);
    if (authorization != null) {
      identity =
          // The scheme is case-insensitive (RFC 9110 section 11.1).
          authorization.regionMatches(true, 0, BearerToken.PREFIX, 0, BearerToken.PREFIX.length())
              ? tokens.identify(authorization.substring(BearerToken.PREFIX.length()).strip())
              : null;
      if (identity == null) {
        return refuse(call, UNKNOWN_TOKEN);
      }
    } else {
      List<String> names = certificateNames(call);
      if (names.isEmpty()) {
        return refuse(call, NO_IDENTITY);
      }
      identity = certificateIdentity(names);
      if (identity == null) {
        return refuse(
            call,
            Status.PERMISSION_DENIED.withDescription(
                "client certificate "
                    + String.join(", ", names)
                    + ": no role (expected: one of its names in admin.clientRoles)"));
      }
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    Role least = required.getOrDefault(method, Role.ADMIN);
    if (!identity.role().allows(least)) {
      return refuse(
          call,
          Status.PERMISSION_DENIED.withDescription(
              identity.name()
                  + " is "
                  + identity.role()
                  + "; "
                  + method
                  + " needs "
                  + least
                  + " or above"));
    }
    return Contexts.interceptCall(
        Context.current().withValue(IDENTITY, identity), call, headers, next);
  }

  /**
   * The verified client certificate's names: the call's own TLS session's, or, for a call through
   * the console's bridge (in-process, without a session), the browser connection's.
   */
  private static List<String> certificateNames(ServerCall<?, ?> call) {
    List<String> names = CallerNames.of(call);
    return names.isEmpty() ? Console.bridgedCertificateNames() : names;
  }

  private Identity certificateIdentity(List<String> names) {
    for (String name : names) {
      Role role = clientRoles.get(name);
      if (role != null) {
        return new Identity(name, role);
      }
    }
    return null;
  }

  private static <Q> ServerCall.Listener<Q> refuse(ServerCall<Q, ?> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
