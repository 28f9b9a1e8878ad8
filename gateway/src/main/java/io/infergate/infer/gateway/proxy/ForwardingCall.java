package io.infergate.infer.gateway.proxy;

import static io.infergate.infer.gateway.proxy.AnswerHeaders.RETRY_PUSHBACK;
import static io.infergate.infer.gateway.proxy.AnswerHeaders.X_FALLBACK;
import static io.infergate.infer.gateway.proxy.AnswerHeaders.X_VARIANT;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.router.OverrideAccess;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.resilience.CallOutcome;
import io.infergate.infer.router.resilience.Deadlines;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One forwarded call: the caller's side ({@code this}, a server-call listener) and its attempts on
 * model servers ({@link Attempt}, client-call listeners). The call is routed on its first message,
 * on the table in force at that moment: admitted by its route, given the route's deadline if it
 * brought none (or a longer one), and sent to the variant the route picks. A variant that cannot
 * serve (breaker open, bulkhead full, no usable endpoint, too slow for the time left) is skipped
 * for the route's next choice, and the answer says so in {@code x-fallback}. An attempt that never
 * reached a model is retried on another endpoint or variant, within the retry budget and the one
 * deadline.
 *
 * <p>The first attempt starts on the first message; the caller's half-close follows it to whichever
 * attempt is current. A request of one message (unary and server-streaming methods) is kept, so an
 * attempt can be replayed; client-streaming requests are never retried. The deadline travels with
 * each attempt's call options, so grpc-java's own timer ends an attempt (and the call) at the
 * route's cap even when the caller never half-closes; the gateway runs no timer per call.
 *
 * <p>Threads: the caller's callbacks are serialized by grpc-java, and so are each attempt's; the
 * attempts of a call follow one another (the next starts from the previous one's {@code onClose},
 * inside the caller's context, so that the caller's cancellation reaches it). The half-close is
 * handed to the current attempt exactly once through a flag on each side. {@link #finished} makes
 * sure the caller is answered, and the admission released, exactly once. Streaming sides ask for
 * the next message once the other side is ready, as grpc-java's {@code GrpcProxy} does, with a
 * pending flag per direction instead of a lock.
 *
 * <p>Telemetry: the call is a SERVER span (child of the caller's {@code traceparent}) and each
 * attempt a CLIENT span under it, whose context the attempt carries upstream; the call is counted
 * and timed once, in {@link #finish}, under its last attempt's variant and its {@link CallOutcome}.
 * Attribute sets come from the table the call was routed on; span attributes are only built when
 * the span records.
 */
final class ForwardingCall extends ServerCall.Listener<byte[]> {
  /** Times a call reads the table again because a reload retired the endpoint it was given. */
  private static final int MAX_REROUTES = 3;

  /**
   * How close to its deadline a caller's cancellation counts as the deadline passing. A caller's
   * client cancels the call when its own deadline passes, and its RST_STREAM reaches the gateway at
   * about the moment the gateway's copy of that deadline passes (the wire latency is in both),
   * often just before: the model server did not answer in time all the same, and its breaker and
   * ejection must hear so, or a stalled variant behind callers with deadlines would never trip.
   */
  private static final long DEADLINE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final AtomicIntegerFieldUpdater<ForwardingCall> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(ForwardingCall.class, "finished");
  private static final AtomicReferenceFieldUpdater<ForwardingCall, Attempt> ATTEMPT =
      AtomicReferenceFieldUpdater.newUpdater(ForwardingCall.class, Attempt.class, "attempt");
  private static final AtomicIntegerFieldUpdater<Attempt> HALF_CLOSED =
      AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "halfClosed");
  private static final AtomicIntegerFieldUpdater<ForwardingCall> CALLER_PENDING =
      AtomicIntegerFieldUpdater.newUpdater(ForwardingCall.class, "callerPending");
  private static final AtomicIntegerFieldUpdater<ForwardingCall> ANSWER_PENDING =
      AtomicIntegerFieldUpdater.newUpdater(ForwardingCall.class, "answerPending");

  private final ForwardedMethod method;
  private final LiveRoutes routes;
  private final ServerCall<byte[], byte[]> serverCall;
  private final Metadata headers;
  private final GatewayTelemetry telemetry;
  private final Span span;
  private final long startNanos = System.nanoTime();

  /**
   * False for the gateway's own warm-up calls ({@link Warmup#isWarmupCall}): they take and give
   * back what a caller's call does, but are not callers' calls, so neither the call metrics, nor
   * breakers, ejection and latency, nor release control's windows, nor shadow copies see them.
   */
  private final boolean recorded = !Warmup.isWarmupCall();

  /** 1 once the caller has been answered (or has gone) and everything is released. */
  private volatile int finished;

  private volatile boolean callerCancelled;
  private volatile boolean callerHalfClosed;

  // Set on the first message, before any attempt starts; read by the attempts after.
  private String model;
  private String version;
  private byte[] body;
  private Route<VariantTarget> admittedBy;
  private Route<VariantTarget> route;
  private String stickyKey;
  private String overrideValue;
  private long random;
  private Deadline deadline;
  private CallOptions callOptions;
  private Context callerContext;

  // Touched only by whoever runs the call's attempts, one after another.
  private long triedVariants;
  private int failedVariant = -1;
  private long failedEndpoints;
  private int attempts;
  private int reroutes;
  private Skip fallback;
  private VariantTarget fallbackFrom;
  private StringBuilder skipped;
  private int skipKinds;
  private boolean panic;

  /** The variant of the latest attempt that ended, and how; the call is recorded under them. */
  private VariantTelemetry lastVariant;

  private CallOutcome lastOutcome;

  /** Where the primary's answer goes to be compared with its shadow copy's; null: no copy. */
  private ShadowPair shadowPair;

  /** The variant whose failed attempt the next one repeats; counted once that one is sent. */
  private VariantTarget retryOf;

  /** The latest attempt started (see {@link #publish}); null until the first starts. */
  private volatile Attempt attempt;

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
    this.telemetry = routes.telemetry();
    this.span = telemetry.startServer(method, headers);
  }

  @Override
  public void onMessage(byte[] message) {
    if (finished != 0) {
      return;
    }
    Attempt current = attempt;
    if (message == RequestMarshaller.TOO_LARGE) {
      if (current != null) {
        // A later message of a client stream: the model server has the call's start; end it too.
        current.call.cancel("the caller's request message was too large", null);
      }
      finish(Statuses.messageTooLarge(), new Metadata(), CallOutcome.CALLER_ERROR);
      return;
    }
    if (current != null) {
      // Client streaming: the request's later messages follow its first, each read and rewritten
      // as the first was. Forwarded unread, a later message could name another model and be served
      // by whatever the routed variant's servers hold under that name, an unreleased one included.
      byte[] next;
      try {
        next = laterMessage(current.target, message);
      } catch (IOException e) {
        // The attempt's onClose answers the caller with this and gives its endpoint back.
        current.failure = Statuses.malformedBody(e);
        current.call.cancel("the caller's later message was refused", null);
        return;
      }
      current.call.sendMessage(next);
      requestNextFromCaller();
      return;
    }
    if (body != null) {
      return; // A second message of a one-message request; grpc-java's stubs never send one.
    }
    Status refused = admit(message);
    if (refused != null) {
      Metadata trailers = new Metadata();
      CallOutcome outcome = CallOutcome.CALLER_ERROR;
      if (refused.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        trailers.put(RETRY_PUSHBACK, pushbackMillis(route));
        outcome = CallOutcome.REJECTED;
      }
      finish(refused, trailers, outcome);
    } else {
      startAttempt();
    }
  }

  @Override
  public void onHalfClose() {
    if (finished != 0) {
      return;
    }
    if (body == null) {
      finish(Statuses.noMessage(), new Metadata(), CallOutcome.CALLER_ERROR);
      return;
    }
    // Written before the attempt is read, as an attempt is published before it reads this flag:
    // whichever side comes second sees the other, and the attempt's own flag lets only one act.
    callerHalfClosed = true;
    Attempt current = attempt;
    if (current != null) {
      current.halfClose();
    }
  }

  @Override
  public void onCancel() {
    // The attempt in progress was started in the caller's context and is cancelled with it; its
    // onClose (or a retry waiting for its delay) then ends the call and releases what it holds.
    callerCancelled = true;
    if (body == null) {
      // Gone before its request (or refused): no attempt will end the call; end it here.
      finish(Status.CANCELLED, null, CallOutcome.CANCELLED);
    }
  }

  @Override
  public void onReady() {
    Attempt current = attempt;
    if (current != null && method.serverStreams() && ANSWER_PENDING.compareAndSet(this, 1, 0)) {
      current.call.request(1);
    }
  }

  /**
   * A later message of a client stream as the routed variant gets it: it must name the model the
   * call was routed by (or none), and is rewritten as the first message was.
   */
  private byte[] laterMessage(VariantTarget target, byte[] message) throws IOException {
    String named = method.model(message).name();
    if (!named.isEmpty() && !named.equals(model)) {
      throw RefusedBodyException.otherModel(model);
    }
    return target.body(method.request(), message);
  }

  /**
   * Reads the model, routes the call on the table in force, takes a place in its route and sets its
   * deadline; returns the status to refuse the call with, or null.
   */
  private Status admit(byte[] message) {
    ModelRef ref;
    try {
      ref = method.model(message);
    } catch (IOException e) {
      return Statuses.malformedBody(e);
    }
    model = ref.name();
    version = ref.version();
    if (span.isRecording()) {
      span.setAttribute(GatewayTelemetry.SPAN_MODEL, model);
      if (!version.isEmpty()) {
        span.setAttribute(GatewayTelemetry.SPAN_VERSION, version);
      }
    }
    route = routes.route(model);
    if (route == null) {
      return Statuses.noRoute(model);
    }
    overrideValue = routes.header(headers, route.overrideHeader());
    OverrideAccess access = route.overrideAccess();
    String token = routes.header(headers, access.secretHeader());
    if (token != null) {
      // The token proves something to the gateway only; no model server or shadow gets it.
      routes.discard(headers, access.secretHeader());
    }
    if (overrideValue != null) {
      boolean allowed =
          access.allows(token)
              || (access.checksIdentities() && access.allowsIdentity(CallerNames.of(serverCall)));
      if (!allowed) {
        if (access.refuses()) {
          return Statuses.overrideDenied(model, route.overrideHeader());
        }
        overrideValue = null;
      }
    }
    if (!route.admission().tryAcquire()) {
      telemetryOf(route).shedRouteFull();
      return Statuses.routeFull(model, route.admission().max());
    }
    admittedBy = route;
    telemetryOf(route).admitted();
    route.retryBudget().onCall();
    body = message;
    random = ThreadLocalRandom.current().nextLong();
    stickyKey = routes.header(headers, route.stickyHeader());
    callerContext = Context.current();
    Deadline callers = callerContext.getDeadline();
    Deadlines limits = route.resilience().deadlines();
    if (callers != null && callers.timeRemaining(TimeUnit.NANOSECONDS) <= limits.max().toNanos()) {
      // Attempts inherit the caller's deadline from its context.
      deadline = callers;
      callOptions = CallOptions.DEFAULT;
    } else {
      deadline =
          Deadline.after(
              (callers == null ? limits.initial() : limits.max()).toNanos(), TimeUnit.NANOSECONDS);
      callOptions = CallOptions.DEFAULT.withDeadline(deadline);
    }
    return null;
  }

  /**
   * Starts the next attempt: on the route's choice for this call, or, when that cannot serve or
   * already failed, its next choice; answers the caller when no choice is left.
   */
  private void startAttempt() {
    Context previous = callerContext.attach();
    try {
      while (true) {
        if (callerCancelled) {
          finish(
              Status.CANCELLED.withDescription("the caller cancelled"),
              new Metadata(),
              CallOutcome.CANCELLED);
          return;
        }
        long remaining = deadline.timeRemaining(TimeUnit.NANOSECONDS);
        if (remaining <= 0) {
          finish(
              Statuses.deadlineExceeded(model, attempts),
              new Metadata(),
              CallOutcome.BACKEND_FAILURE);
          return;
        }
        // A retry goes back to the variant that failed, for its other endpoints, before any other:
        // the variant's breaker hears of the failure only if none is left (VariantTarget.admit).
        int variant =
            failedVariant >= 0 && (triedVariants & (1L << failedVariant)) == 0
                ? failedVariant
                : route.pick(stickyKey, overrideValue, random);
        if ((triedVariants & (1L << variant)) != 0) {
          variant = route.next(triedVariants, stickyKey, ThreadLocalRandom.current().nextLong());
        }
        if (variant < 0) {
          if (!panic && (skipKinds & (1 << Skip.CIRCUIT_OPEN.ordinal())) != 0) {
            // Every variant that could serve is behind an open breaker. Breakers move traffic
            // between variants; they must not take a whole model down (a slow spell can open the
            // stable variant's too), so the route routes past them, as Envoy's panic threshold
            // does.
            panic = true;
            triedVariants = 0;
            continue;
          }
          finishWithoutBackend();
          return;
        }
        VariantTarget target = route.target(variant);
        long excluded = variant == failedVariant ? failedEndpoints : 0;
        int endpoint =
            panic ? target.admitPastBreaker(excluded) : target.admit(excluded, remaining);
        if (endpoint < 0) {
          skip(
              variant,
              target,
              endpoint == VariantTarget.ONLY_EXCLUDED
                  ? Skip.UNAVAILABLE
                  : VariantTarget.skipOf(endpoint));
          continue;
        }
        ManagedChannel channel = target.channel(endpoint);
        if (channel.isShutdown() && reroutes < MAX_REROUTES) {
          // A reload retired this endpoint after this call read the table, and a reload swaps the
          // table before it shuts a channel down: the table in force no longer sends calls here.
          target.release(endpoint, CallOutcome.REJECTED, 0, !panic);
          reroute();
          continue;
        }
        send(variant, target, endpoint, channel, remaining);
        return;
      }
    } finally {
      callerContext.detach(previous);
    }
  }

  private void reroute() {
    reroutes++;
    Route<VariantTarget> now = routes.route(model);
    if (now != null) {
      route = now;
    }
    triedVariants = 0;
    failedVariant = -1;
    failedEndpoints = 0;
  }

  /** Notes that {@code target} could not serve this call, and why. */
  private void skip(int variant, VariantTarget target, Skip why) {
    triedVariants |= 1L << variant;
    skipKinds |= 1 << why.ordinal();
    if (fallback == null) {
      fallback = why;
      fallbackFrom = target;
      skipped = new StringBuilder();
    } else {
      skipped.append(", ");
    }
    skipped.append(target.name).append(' ').append(why.header());
  }

  /** No variant of the route could take the call: the answer says the gateway's own reason. */
  private void finishWithoutBackend() {
    Metadata trailers = new Metadata();
    Status status;
    if (skipKinds == 1 << Skip.BULKHEAD_FULL.ordinal()) {
      status = Statuses.variantsFull(model, skipped);
      trailers.put(RETRY_PUSHBACK, pushbackMillis(admittedBy));
      telemetryOf(route).shedBulkheadFull();
    } else if (skipKinds == 1 << Skip.DEADLINE.ordinal()) {
      status = Statuses.deadlineTooShort(model, deadline, skipped);
    } else {
      status = Statuses.noHealthyBackend(model, skipped);
    }
    // After attempts that failed, the call failed as the last of them did; else it was refused.
    finish(status, trailers, lastVariant != null ? lastOutcome : CallOutcome.REJECTED);
  }

  private void send(
      int variant, VariantTarget target, int endpoint, ManagedChannel channel, long remaining) {
    attempts++;
    if (retryOf != null) {
      retryOf.telemetry.retried();
      retryOf = null;
    }
    Attempt next = new Attempt(variant, target, endpoint);
    byte[] forwarded;
    try {
      forwarded = target.body(method.request(), body);
      if (attempts == 1 && recorded) {
        int shadow = route.shadowFor(variant, random);
        if (shadow >= 0) {
          shadowPair = route.target(shadow).copies.send(method, body, headers, span);
        }
      }
      next.span = telemetry.startClient(span, method, headers);
      if (next.span.isRecording()) {
        describe(next.span, target, next.seq);
      }
      next.call =
          channel.newCall(
              method.descriptor(),
              next.trial
                  ? CallOptions.DEFAULT.withDeadlineAfter(remaining / 2, TimeUnit.NANOSECONDS)
                  : callOptions);
      next.call.start(next, headers);
    } catch (IOException e) {
      target.release(endpoint, CallOutcome.REJECTED, 0, !panic);
      Status malformed = Statuses.malformedBody(e);
      GatewayTelemetry.end(next.span, malformed, false);
      finish(malformed, new Metadata(), CallOutcome.CALLER_ERROR);
      return;
    } catch (RuntimeException e) {
      target.release(endpoint, CallOutcome.REJECTED, 0, !panic);
      Status failed = Statuses.forwardingFailed(target, model, e);
      GatewayTelemetry.end(next.span, failed, false);
      finish(failed, new Metadata(), CallOutcome.NOT_REACHED);
      return;
    }
    // Started: from here on the attempt's onClose releases the endpoint and moves the call on.
    try {
      next.call.sendMessage(forwarded);
      next.call.request(1);
      if (!publish(next)) {
        return; // It failed inside start(), and a later attempt has taken over.
      }
      if (callerHalfClosed) {
        next.halfClose();
      }
      if (method.clientStreams()) {
        requestNextFromCaller();
      }
    } catch (RuntimeException e) {
      next.failure = Statuses.forwardingFailed(target, model, e);
      next.call.cancel("the gateway failed to forward the call", e);
    }
  }

  /** The attributes of an attempt's CLIENT span that are not its method's. */
  private void describe(Span client, VariantTarget target, int attempt) {
    client.setAllAttributes(target.telemetry.spanAttributes);
    client.setAttribute(GatewayTelemetry.SPAN_ATTEMPT, attempt);
    if (!version.isEmpty()) {
      client.setAttribute(GatewayTelemetry.SPAN_VERSION, version);
    }
    if (fallback != null) {
      client.setAttribute(GatewayTelemetry.SPAN_FALLBACK_CAUSE, fallback.header());
    }
  }

  /**
   * Whether an attempt that never reached a model may be made again: not for client-streaming
   * requests (their messages are gone), not past the route's attempts or budget, not when the model
   * server asked for no retry ({@code grpc-retry-pushback-ms} negative or unreadable), and only
   * with time left; returns the delay the server asked for, or -1 for no retry.
   */
  private long retryDelayMillis(Metadata trailers) {
    if (method.clientStreams()
        || callerCancelled
        || attempts >= route.resilience().retry().maxAttempts()) {
      return -1;
    }
    long delay = 0;
    String pushback = trailers.get(RETRY_PUSHBACK);
    if (pushback != null) {
      try {
        delay = Long.parseLong(pushback.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
      if (delay < 0) {
        return -1;
      }
    }
    if (deadline.timeRemaining(TimeUnit.MILLISECONDS) <= delay) {
      return -1;
    }
    return admittedBy.retryBudget().tryRetry() ? delay : -1;
  }

  /**
   * Makes {@code next} the attempt that the caller's half-close and later messages go to, unless a
   * later one already is: an attempt can fail inside its own {@code start()} (grpc-java closes a
   * call on a channel that is failing to connect at once, on the calling thread with a direct
   * executor), and the retry it starts from there is published first.
   *
   * @return whether {@code next} is now the current attempt
   */
  private boolean publish(Attempt next) {
    while (true) {
      Attempt current = attempt;
      if (current != null && current.seq > next.seq) {
        return false;
      }
      if (ATTEMPT.compareAndSet(this, current, next)) {
        return true;
      }
    }
  }

  private void retry(VariantTarget target, int variant, int endpoint, long delayMillis) {
    retryOf = target;
    if (variant != failedVariant) {
      failedVariant = variant;
      failedEndpoints = 0;
    }
    failedEndpoints |= 1L << endpoint;
    if (delayMillis == 0) {
      startAttempt();
    } else {
      routes.scheduler().schedule(this::startAttempt, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Asks the caller for its next message once the model server can take it (streaming only). */
  private void requestNextFromCaller() {
    if (!method.clientStreams()) {
      return;
    }
    ClientCall<byte[], byte[]> call = attempt.call;
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

  /**
   * Answers the caller, once, gives back what the call holds, and records the call as {@code
   * outcome} under the variant of its last attempt (or none).
   */
  private void finish(Status status, Metadata trailers, CallOutcome outcome) {
    if (FINISHED.getAndSet(this, 1) != 0) {
      return;
    }
    if (!callerCancelled) {
      serverCall.close(status, trailers);
    }
    release();
    record(status, outcome);
  }

  private void release() {
    if (admittedBy != null) {
      admittedBy.admission().release();
      telemetryOf(admittedBy).released();
    }
  }

  private void record(Status status, CallOutcome outcome) {
    VariantTelemetry where = lastVariant;
    if (where == null) {
      where = route != null ? telemetryOf(route).none : telemetry.unrouted();
    }
    if (recorded) {
      where.answered(outcome, System.nanoTime() - startNanos);
    }
    if (span.isRecording()) {
      if (lastVariant != null) {
        span.setAttribute(GatewayTelemetry.SPAN_VARIANT, lastVariant.variant);
      }
      if (fallback != null) {
        span.setAttribute(GatewayTelemetry.SPAN_FALLBACK_CAUSE, fallback.header());
      }
    }
    GatewayTelemetry.end(span, status, true);
  }

  /** A route's attribute sets, made with the table it belongs to. */
  private static RouteTelemetry telemetryOf(Route<VariantTarget> route) {
    return route.target(0).telemetry.route;
  }

  private static String pushbackMillis(Route<VariantTarget> route) {
    return Long.toString(route.resilience().limits().pushback().toMillis());
  }

  /** One attempt on one endpoint; its answer is passed to the caller with {@code x-variant}. */
  private final class Attempt extends ClientCall.Listener<byte[]> {
    /** 1 for the call's first attempt, and so on: a later attempt supersedes an earlier one. */
    private final int seq;

    private final int variant;
    private final VariantTarget target;
    private final int endpoint;
    private final boolean trial;
    private final boolean breakerPermit;
    private final long startNanos = System.nanoTime();
    private ClientCall<byte[], byte[]> call;

    /** Set before the call starts, so before any callback can read it; none if it never starts. */
    private Span span = Span.getInvalid();

    /** 1 once the caller's half-close was passed on; an int, not an AtomicBoolean, to save one. */
    private volatile int halfClosed;

    private Metadata heldHeaders;

    /** The first answer message, kept for canary drift until the attempt ends OK; else null. */
    private byte[] watchedAnswer;

    private boolean answered;
    private boolean headersSent;

    /** Set when the gateway cancelled the attempt itself: what the caller is told instead. */
    private volatile Status failure;

    /** The call's next attempt, on {@code endpoint} of {@code target}, as things stand now. */
    Attempt(int variant, VariantTarget target, int endpoint) {
      this.seq = attempts;
      this.variant = variant;
      this.target = target;
      this.endpoint = endpoint;
      // A trial call of a half-open breaker may meet the very stall that opened it: it gets half
      // the time left, so that if it fails the call still has time on another variant.
      this.trial = target.isHalfOpen() && !method.clientStreams() && fallback == null;
      this.breakerPermit = !panic;
    }

    /** Passes the caller's half-close on, once, from whichever side learns of it second. */
    void halfClose() {
      if (HALF_CLOSED.compareAndSet(this, 0, 1)) {
        call.halfClose();
      }
    }

    @Override
    public void onHeaders(Metadata received) {
      // Held until the answer arrives, which says which model version served it.
      heldHeaders = received;
      answered = true;
    }

    @Override
    public void onMessage(byte[] message) {
      answered = true;
      if (!headersSent) {
        Metadata out = heldHeaders != null ? heldHeaders : new Metadata();
        String version = method.response().read(message);
        if (!version.isEmpty() && span.isRecording()) {
          span.setAttribute(GatewayTelemetry.SPAN_VERSION, version); // the version that served
        }
        out.put(X_VARIANT, version.isEmpty() ? target.name : target.name + ";version=" + version);
        markFallback(out);
        serverCall.sendHeaders(out);
        headersSent = true;
        if (shadowPair != null) {
          // A reference only: the comparison runs later, on its own thread, if the shadow answers.
          shadowPair.primaryAnswered(message, target.telemetry);
        }
        if (target.canary != null && recorded) {
          watchedAnswer = message;
        }
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
      GatewayTelemetry.end(span, status, false);
      CallOutcome outcome = outcomeOf(status);
      lastVariant = target.telemetry;
      lastOutcome = outcome;
      if (outcome.isRetriable()) {
        long delay = retryDelayMillis(trailers);
        if (delay >= 0) {
          if (recorded) {
            target.releaseRetried(endpoint, breakerPermit);
          } else {
            target.releaseUnrecorded(endpoint, breakerPermit);
          }
          retry(target, variant, endpoint, delay);
          return;
        }
      }
      if (recorded) {
        target.release(endpoint, outcome, System.nanoTime() - startNanos, breakerPermit);
      } else {
        target.releaseUnrecorded(endpoint, breakerPermit);
      }
      if (trial && !answered && outcome == CallOutcome.BACKEND_FAILURE && !callerCancelled) {
        // The trial's own half of the deadline ran out (or it failed unanswered): the variant is
        // still bad, and the call moves on to the route's next choice with the time it has left.
        skip(variant, target, Skip.TRIAL_FAILED);
        startAttempt();
        return;
      }
      if (fallback != null) {
        fallbackFrom.telemetry.fellBack(fallback);
      }
      Status answer = failure != null ? failure : status;
      if (watchedAnswer != null && answer.isOk() && fallback == null) {
        // Only answers of the variant the call was meant for, and only of calls that succeeded.
        target.canary.answered(method.answers(), watchedAnswer);
      }
      if (!headersSent) {
        if (heldHeaders != null) {
          trailers.merge(heldHeaders);
        } else if (outcome == CallOutcome.NOT_REACHED && panic) {
          // Sent past open breakers and failed too: every variant is down, and the answer says so.
          answer = Statuses.noHealthyBackend(model, skipped, target, endpoint, status);
        } else if (outcome == CallOutcome.NOT_REACHED) {
          // No answer at all from the endpoint: say which variant failed, not just "io exception".
          answer = Statuses.endpointUnavailable(target, endpoint, model, status);
        }
        trailers.put(X_VARIANT, target.name);
        markFallback(trailers);
      }
      finish(answer, trailers, outcome);
    }

    /**
     * What the attempt says about its model server. A caller that went away (the attempt is then
     * cancelled with it) says nothing, unless it went at its deadline: the server was too slow.
     */
    private CallOutcome outcomeOf(Status status) {
      if (failure != null) {
        return CallOutcome.CANCELLED;
      }
      // The attempt may be closed CANCELLED through the caller's context before the caller's side
      // has run onCancel: either tells that the caller went away.
      if (!callerCancelled && status.getCode() != Status.Code.CANCELLED) {
        return CallOutcome.of(status.getCode().value(), answered);
      }
      return deadline.timeRemaining(TimeUnit.NANOSECONDS) <= DEADLINE_GRACE_NANOS
          ? CallOutcome.of(Status.Code.DEADLINE_EXCEEDED.value(), answered)
          : CallOutcome.CANCELLED;
    }

    private void markFallback(Metadata out) {
      if (fallback != null) {
        out.put(X_FALLBACK, fallback.header() + ";from=" + fallbackFrom.name);
      }
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
