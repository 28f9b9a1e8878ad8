package io.infergate.infer.gateway.proxy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.infergate.infer.router.Route;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One forwarded call: the caller's side ({@code this}, a server-call listener) and the model
 * server's side ({@link Response}), the listener pair that is all a call allocates besides the
 * model name read from its body. The call is routed on its first message, on the table in force at
 * that moment, and the client call is created there, inside the caller's gRPC context, so the
 * caller's deadline and cancellation reach the model server by themselves.
 *
 * <p>Callbacks on each side are serialized by grpc-java; the two sides touch disjoint state, except
 * that only {@link Response} answers the caller once a client call exists, and that each side asks
 * the other for its next message ({@code request(1)}, which is thread-safe). Unary sides ask for
 * nothing more; streaming sides ask for the next message once the other side is ready, as
 * grpc-java's {@code GrpcProxy} does, with a pending flag per direction instead of a lock.
 *
 * <p>Each endpoint picked is released exactly once: by {@link Response#onClose} once the client
 * call has started, otherwise by the code that refuses the call.
 */
final class ForwardingCall extends ServerCall.Listener<byte[]> {
  static final Metadata.Key<String> X_VARIANT =
      Metadata.Key.of("x-variant", Metadata.ASCII_STRING_MARSHALLER);

  private static final AtomicIntegerFieldUpdater<ForwardingCall> CALLER_PENDING =
      AtomicIntegerFieldUpdater.newUpdater(ForwardingCall.class, "callerPending");
  private static final AtomicIntegerFieldUpdater<ForwardingCall> ANSWER_PENDING =
      AtomicIntegerFieldUpdater.newUpdater(ForwardingCall.class, "answerPending");

  private final ForwardedMethod method;
  private final LiveRoutes routes;
  private final ServerCall<byte[], byte[]> serverCall;
  private final Metadata headers;

  /** The model server's side, from the first message on; touched only by the caller's side. */
  private Response response;

  /** The caller has been answered (refused, or its forwarding failed): ignore what it sends. */
  private boolean finished;

  /** 1 while the caller's next message waits for the model server to be ready. */
  @SuppressWarnings("unused") // through CALLER_PENDING
  private volatile int callerPending;

  /** 1 while the model server's next message waits for the caller to be ready. */
  @SuppressWarnings("unused") // through ANSWER_PENDING
  private volatile int answerPending;

  ForwardingCall(
      ForwardedMethod method,
      LiveRoutes routes,
      ServerCall<byte[], byte[]> serverCall,
      Metadata headers) {
    this.method = method;
    this.routes = routes;
    this.serverCall = serverCall;
    this.headers = headers;
  }

  @Override
  public void onMessage(byte[] body) {
    if (finished) {
      return;
    }
    if (response != null) {
      response.call.sendMessage(body);
      requestNextFromCaller();
      return;
    }
    Status refused = forward(body);
    if (refused != null) {
      finish(refused);
    }
  }

  @Override
  public void onHalfClose() {
    if (finished) {
      return;
    }
    if (response != null) {
      response.call.halfClose();
    } else {
      finish(Statuses.noMessage());
    }
  }

  @Override
  public void onCancel() {
    if (response != null) {
      response.call.cancel("the caller cancelled", null);
    }
  }

  @Override
  public void onReady() {
    if (method.serverStreams() && ANSWER_PENDING.compareAndSet(this, 1, 0)) {
      response.call.request(1);
    }
  }

  /**
   * Routes the call on the table in force and starts the client call; returns the status to refuse
   * the call with, or null.
   */
  private Status forward(byte[] body) {
    ModelRef model;
    try {
      model = method.request().read(body);
    } catch (IOException e) {
      return Statuses.malformedBody(e);
    }
    for (int attempt = 0; ; attempt++) {
      Route<VariantTarget> route = routes.route(model.name());
      if (route == null) {
        return Statuses.noRoute(model.name());
      }
      long random = ThreadLocalRandom.current().nextLong();
      int picked =
          route.pick(
              routes.header(headers, route.stickyHeader()),
              routes.header(headers, route.overrideHeader()),
              random);
      VariantTarget target = route.target(picked);
      int endpoint = target.pick();
      if (endpoint < 0) {
        return Statuses.variantUnavailable(target, model.name());
      }
      ManagedChannel channel = target.channel(endpoint);
      if (attempt == 0 && channel.isShutdown()) {
        // A reload retired this endpoint after this call read the table, and the reload swaps the
        // table before it shuts a channel down: the table in force now no longer sends calls here.
        target.release(endpoint);
        continue;
      }
      return start(route, picked, endpoint, channel, model.name(), body, random);
    }
  }

  private Status start(
      Route<VariantTarget> route,
      int picked,
      int endpoint,
      ManagedChannel channel,
      String model,
      byte[] body,
      long random) {
    VariantTarget target = route.target(picked);
    Response answer = new Response(target, endpoint, model);
    byte[] forwarded;
    try {
      forwarded = target.body(method.request(), body);
      int shadow = route.shadowFor(picked, random);
      if (shadow >= 0) {
        route.target(shadow).copies().send(method, body, headers);
      }
      answer.call = channel.newCall(method.descriptor(), CallOptions.DEFAULT);
      answer.call.start(answer, headers);
    } catch (IOException e) {
      target.release(endpoint);
      return Statuses.malformedBody(e);
    } catch (RuntimeException e) {
      target.release(endpoint);
      return Statuses.forwardingFailed(target, model, e);
    }
    // Started: from here on the answer's onClose releases the endpoint and answers the caller.
    response = answer;
    try {
      answer.call.sendMessage(forwarded);
      answer.call.request(1);
      requestNextFromCaller();
    } catch (RuntimeException e) {
      finished = true;
      answer.failure = Statuses.forwardingFailed(target, model, e);
      answer.call.cancel("the gateway failed to forward the call", e);
    }
    return null;
  }

  /** Asks the caller for its next message once the model server can take it (streaming only). */
  private void requestNextFromCaller() {
    if (!method.clientStreams()) {
      return;
    }
    ClientCall<byte[], byte[]> call = response.call;
    if (call.isReady()) {
      serverCall.request(1);
      return;
    }
    callerPending = 1;
    // The model server may have turned ready between the check and the flag: look again, and let
    // whichever of this and its onReady clears the flag ask.
    if (call.isReady() && CALLER_PENDING.compareAndSet(this, 1, 0)) {
      serverCall.request(1);
    }
  }

  private void finish(Status status) {
    finished = true;
    serverCall.close(status, new Metadata());
  }

  /** The model server's answer, passed to the caller with {@code x-variant} added. */
  private final class Response extends ClientCall.Listener<byte[]> {
    private final VariantTarget target;
    private final int endpoint;
    private final String model;
    private ClientCall<byte[], byte[]> call;
    private Metadata heldHeaders;
    private boolean headersSent;

    /** Set when the gateway cancelled the call itself: what the caller is told instead. */
    private volatile Status failure;

    Response(VariantTarget target, int endpoint, String model) {
      this.target = target;
      this.endpoint = endpoint;
      this.model = model;
    }

    @Override
    public void onHeaders(Metadata received) {
      // Held until the answer arrives, which says which model version served it.
      heldHeaders = received;
    }

    @Override
    public void onMessage(byte[] message) {
      if (!headersSent) {
        Metadata out = heldHeaders != null ? heldHeaders : new Metadata();
        String version = method.response().read(message);
        out.put(
            X_VARIANT, version.isEmpty() ? target.name() : target.name() + ";version=" + version);
        serverCall.sendHeaders(out);
        headersSent = true;
      }
      serverCall.sendMessage(message);
      if (method.serverStreams()) {
        requestNextAnswer();
      }
    }

    @Override
    public void onReady() {
      if (method.clientStreams() && CALLER_PENDING.compareAndSet(ForwardingCall.this, 1, 0)) {
        serverCall.request(1);
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      target.release(endpoint);
      Status answer = failure != null ? failure : status;
      if (!headersSent) {
        if (heldHeaders != null) {
          trailers.merge(heldHeaders);
        } else if (status.getCode() == Status.Code.UNAVAILABLE && failure == null) {
          // No answer at all from the endpoint: say which variant failed, not just "io exception".
          answer = Statuses.endpointUnavailable(target, endpoint, model, status);
        }
        trailers.put(X_VARIANT, target.name());
      }
      serverCall.close(answer, trailers);
    }

    /** Asks the model server for its next message once the caller can take it. */
    private void requestNextAnswer() {
      if (serverCall.isReady()) {
        call.request(1);
        return;
      }
      answerPending = 1;
      if (serverCall.isReady() && ANSWER_PENDING.compareAndSet(ForwardingCall.this, 1, 0)) {
        call.request(1);
      }
    }
  }
}
