package io.infergate.infer.gateway.proxy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.infergate.infer.router.Shadow;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Copies of live calls sent to a shadow variant. Nobody waits for them: a copy that cannot start at
 * once (too many outstanding, no endpoint) is dropped and counted, so a slow or failing shadow can
 * never slow, fail or block the call it copies. Whatever happens to a copy, its in-flight slot and
 * its endpoint are given back exactly once.
 *
 * <p>A copy sent has its own CLIENT span, a sibling of the call's attempts under its SERVER span
 * (with {@code infergate.variant} the shadow's and no {@code infergate.attempt}), and carries that
 * span's {@code traceparent}: the shadow's own spans then sit in the caller's trace, where its
 * latency can be read beside the primary's, instead of starting a trace of their own per copy (or
 * hanging off the caller's span, were {@code traceparent} among the copied headers). The span may
 * end after the call's: a copy outlives the answer by design.
 */
final class ShadowCopies {
  private final VariantTarget target;
  private final int maxInFlight;
  private final long timeoutNanos;
  private final Metadata.Key<?>[] copiedHeaders;
  private final AnswerDecoder agreement;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();

  ShadowCopies(VariantTarget target, Shadow shadow, AnswerDecoder agreement) {
    this.target = target;
    this.agreement = agreement;
    this.maxInFlight = shadow.maxInFlight();
    this.timeoutNanos = shadow.timeout().toNanos();
    this.copiedHeaders = new Metadata.Key<?>[shadow.headers().size()];
    for (int i = 0; i < copiedHeaders.length; i++) {
      copiedHeaders[i] = Metadata.Key.of(shadow.headers().get(i), Metadata.ASCII_STRING_MARSHALLER);
    }
  }

  /**
   * Sends a copy of {@code body} if the shadow has room; never blocks and never throws.
   *
   * @return where the primary's answer goes to be compared with the shadow's, when the copy was
   *     sent and the method's answers can be compared; otherwise null
   */
  ShadowPair send(ForwardedMethod method, byte[] body, Metadata callerHeaders, Span callSpan) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      drop();
      return null;
    }
    int endpoint = target.pickForCopy();
    if (endpoint < 0) {
      inFlight.decrementAndGet();
      drop();
      return null;
    }
    ShadowPair pair =
        method.answers() == AnswerTensor.NONE ? null : new ShadowPair(method.answers(), agreement);
    ClientCall<byte[], byte[]> call = null;
    Span span = Span.getInvalid();
    // The one detached context in the gateway: the caller's context is cancelled as soon as the
    // primary answers, and a copy must outlive that. fork() keeps the caller's context values
    // (trace ids) and drops only its cancellation and deadline; the copy gets its own deadline.
    Context forked = Context.current().fork();
    Context previous = forked.attach();
    try {
      byte[] copy = target.body(method.request(), body);
      Metadata headers = allowedHeaders(callerHeaders);
      VariantTelemetry telemetry = target.telemetry;
      span = telemetry.route.instruments.startClient(callSpan, method, headers);
      if (span.isRecording()) {
        span.setAllAttributes(telemetry.spanAttributes);
      }
      ClientCall<byte[], byte[]> created =
          target
              .channel(endpoint)
              .newCall(
                  method.descriptor(),
                  CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
      created.start(new Listener(endpoint, span, pair), headers);
      call = created;
      call.sendMessage(copy);
      call.halfClose();
      call.request(1);
      sent.increment();
      return pair;
    } catch (IOException | RuntimeException e) {
      if (call == null) {
        failed.increment();
        done(endpoint);
        GatewayTelemetry.end(span, Status.INTERNAL, false);
      } else {
        // Started: the listener's onClose counts the failure and gives the slot and endpoint back.
        call.cancel("the gateway could not send the shadow copy", e);
      }
    } finally {
      forked.detach(previous);
    }
    return null;
  }

  /**
   * Only the listed headers: a shadow is a model nobody has released, so a caller's credentials
   * must not reach it unless the route says so.
   */
  private Metadata allowedHeaders(Metadata callerHeaders) {
    Metadata headers = new Metadata();
    for (Metadata.Key<?> key : copiedHeaders) {
      copy(callerHeaders, key, headers);
    }
    return headers;
  }

  private static <V> void copy(Metadata from, Metadata.Key<V> key, Metadata to) {
    Iterable<V> values = from.getAll(key);
    if (values != null) {
      for (V value : values) {
        to.put(key, value);
      }
    }
  }

  ShadowCounts counts() {
    return new ShadowCounts(sent.sum(), dropped.sum(), failed.sum(), inFlight.get());
  }

  private void drop() {
    dropped.increment();
    target.telemetry.shadowDropped();
  }

  private void done(int endpoint) {
    target.releaseCopy(endpoint);
    inFlight.decrementAndGet();
  }

  /** Hands the answer to its pair, if any, to be compared; counts how the copy ended. */
  private final class Listener extends ClientCall.Listener<byte[]> {
    private final int endpoint;
    private final Span span;
    private ShadowPair pair;

    Listener(int endpoint, Span span, ShadowPair pair) {
      this.endpoint = endpoint;
      this.span = span;
      this.pair = pair;
    }

    @Override
    public void onMessage(byte[] message) {
      if (pair != null) {
        pair.shadowAnswered(message);
        pair = null; // only the first message: the methods compared answer with one
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      GatewayTelemetry.end(span, status, false);
      done(endpoint);
      if (!status.isOk()) {
        failed.increment();
      }
    }
  }
}
