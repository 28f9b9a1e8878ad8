package io.infergate.infer.gateway.admin.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.observability.transport.RawMarshaller;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls a unary method of a gRPC service by its name with the request as proto JSON and answers the
 * response as proto JSON, or an HTTP status and {@code {code, message}} for a gRPC error. It is a
 * bridge, not a second API: each call goes through {@code channel} (in-process, to the same service
 * definition the admin port serves, interceptors included), carrying the browser's {@code
 * Authorization} header as the call's {@code authorization} metadata and, over TLS, its client
 * certificate's names (see {@link BridgedCertificate}), so the role check, the service and its
 * audit identity are the gRPC clients' own. No other request header crosses.
 *
 * <p>Requests and responses cross the channel as bytes: the JSON is parsed into the method's own
 * request message (its prototype comes from the method's marshaller), so no reflection and no
 * unchecked casts.
 */
final class JsonBridge {
  /** How long a bridged call may take; writes wait for an fsync, never this long. */
  static final long DEADLINE_SECONDS = 30;

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Channel channel;
  private final Map<String, Bridged> methods;
  private final JsonFormat.Parser parser = JsonFormat.parser();
  // Defaults printed, so that a weight of 0 is there for the page rather than missing.
  private final JsonFormat.Printer printer =
      JsonFormat.printer().includingDefaultValueFields().omittingInsignificantWhitespace();

  /**
   * Bridges every unary method of {@code service} whose messages are protos.
   *
   * @throws IllegalArgumentException naming a method that is not
   */
  JsonBridge(Channel channel, ServiceDescriptor service) {
    this.channel = requireNonNull(channel, "channel");
    Map<String, Bridged> methods = new LinkedHashMap<>();
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      if (method.getType() != MethodDescriptor.MethodType.UNARY
          || !(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> q)
          || !(q.getMessagePrototype() instanceof Message request)
          || !(method.getResponseMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> r)
          || !(r.getMessagePrototype() instanceof Message response)) {
        throw new IllegalArgumentException(
            method.getFullMethodName() + ": not a unary method of proto messages");
      }
      methods.put(
          method.getBareMethodName(), new Bridged(RawMarshaller.of(method), request, response));
    }
    this.methods = Map.copyOf(methods);
  }

  /** Whether {@code name} (such as {@code SetWeights}) is a method of the service. */
  boolean bridges(String name) {
    return methods.containsKey(name);
  }

  /**
   * Calls {@link #bridges bridged} method {@code name}.
   *
   * @param authorization the HTTP {@code Authorization} header, or null
   * @param certificateNames the names of the browser connection's verified client certificate;
   *     empty for none
   * @param json the request message as proto JSON; blank is the empty message
   */
  CompletableFuture<Reply> call(
      String name, String authorization, List<String> certificateNames, String json) {
    Bridged method = requireNonNull(methods.get(name), name);
    Message.Builder request = method.request().newBuilderForType();
    try {
      parser.merge(json.isBlank() ? "{}" : json, request);
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.completedFuture(
          error(Status.INVALID_ARGUMENT.withDescription("request body: " + e.getMessage())));
    }
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(AUTHORIZATION, authorization);
    }
    BridgedCertificate.attach(headers, certificateNames);
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers))
            .newCall(
                method.raw(),
                CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)),
        request.build().toByteArray(),
        new ReplyObserver(method.response(), reply));
    return reply;
  }

  /** The HTTP status for a gRPC one, as the console's callers see it. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case FAILED_PRECONDITION -> 409;
      case UNIMPLEMENTED -> 501;
      default -> 500;
    };
  }

  /** {@code {"code": "PERMISSION_DENIED", "message": "..."}} with the matching HTTP status. */
  static Reply error(Status status) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("code", status.getCode().name());
    body.put("message", status.getDescription() == null ? "" : status.getDescription());
    try {
      return new Reply(httpStatus(status.getCode()), JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a map of two strings always serialises", e);
    }
  }

  /** An HTTP status and a JSON body. */
  record Reply(int httpStatus, String json) {}

  private record Bridged(MethodDescriptor<byte[], byte[]> raw, Message request, Message response) {}

  private final class ReplyObserver implements StreamObserver<byte[]> {
    private final Message responsePrototype;
    private final CompletableFuture<Reply> reply;

    ReplyObserver(Message responsePrototype, CompletableFuture<Reply> reply) {
      this.responsePrototype = responsePrototype;
      this.reply = reply;
    }

    @Override
    public void onNext(byte[] bytes) {
      try {
        reply.complete(
            new Reply(200, printer.print(responsePrototype.getParserForType().parseFrom(bytes))));
      } catch (InvalidProtocolBufferException e) {
        reply.complete(
            error(Status.INTERNAL.withDescription("the service's response: " + e.getMessage())));
      }
    }

    @Override
    public void onError(Throwable t) {
      reply.complete(error(Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
      // The answer came with onNext; a unary call without one fails in onError instead.
    }
  }
}
