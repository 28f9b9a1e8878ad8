package io.infergate.infer.observability.server;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.transport.NettyTransport;
import io.infergate.infer.observability.transport.Shutdowns;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Drives a server's own request path hot before it reports SERVING: the given calls, in turn and
 * {@code concurrency} at a time, through a channel to the server's real gRPC stack over loopback,
 * in rounds of {@value #ROUND_CALLS} calls, until latency has settled ({@link WarmupSettling}), the
 * budget is spent, or {@value #FAILURES_PER_SLOT} times {@code concurrency} calls in a row failed
 * (nothing behind the server answers: warming longer would only delay SERVING). Every call is real:
 * it is decoded, routed, run and encoded as a caller's would be, so the JIT, the pooled buffers,
 * the worker threads and TensorFlow's kernels are all warm when the first caller arrives.
 *
 * <p>Off the request path: this runs once, on the starting thread, before the port callers use is
 * open.
 */
public final class Warmup {
  /** Set on the calls the warm-up listener answers: see {@link #isWarmupCall}. */
  /** Where the warm-up listener binds: loopback only, since it lives only for the warm-up. */
  private static final String LOOPBACK = "127.0.0.1";

  private static final Context.Key<Boolean> WARMUP_CALL = Context.key("infergate.warmup");

  /**
   * Marks every call of the services it wraps as a warm-up call; the warm-up listener's services
   * are wrapped with it, the port's never are, so no caller can mark its own calls.
   */
  public static final ServerInterceptor MARK_CALLS =
      new ServerInterceptor() {
        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
          return Contexts.interceptCall(
              Context.current().withValue(WARMUP_CALL, Boolean.TRUE), call, headers, next);
        }
      };

  /**
   * Whether the call in whose context this runs is a warm-up call. It is not a caller's call: it
   * must not reach what watches callers' calls and data (call metrics, breakers, release-control
   * windows, model monitoring), which would otherwise start with hundreds of cold, made-up calls.
   */
  public static boolean isWarmupCall() {
    return WARMUP_CALL.get() != null;
  }

  /** Calls per round, over which one median is taken. */
  static final int ROUND_CALLS = 200;

  /** Failed calls in a row, per call in flight, after which warming stops. */
  static final int FAILURES_PER_SLOT = 3;

  /** How long after the budget a round waits for its last calls, whose deadline is the budget. */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private Warmup() {}

  /** One warm-up call: a unary method over bytes and the request to send it. */
  public record Call(MethodDescriptor<byte[], byte[]> method, byte[] body) {
    public Call {
      requireNonNull(method, "method");
      requireNonNull(body, "body");
    }
  }

  /**
   * What a warm-up did, for the start-up log and tests.
   *
   * @param calls calls made
   * @param failed calls that did not answer OK
   * @param took from the first call to the last answer
   * @param settled whether latency settled (otherwise the budget ran out or nothing answered)
   * @param medianNanos the last round's median latency, or -1 if no call answered
   * @param firstFailure the first failed call's status, or null
   */
  public record Report(
      long calls,
      long failed,
      Duration took,
      boolean settled,
      long medianNanos,
      String stopped,
      String firstFailure) {

    /** A warm-up that made no call. */
    public static Report skipped(String why) {
      return new Report(0, 0, Duration.ZERO, false, -1, why, null);
    }

    /** One line for the start-up log. */
    public String describe() {
      return calls
          + " calls in "
          + Durations.format(Duration.ofMillis(took.toMillis()))
          + " ("
          + stopped
          + (medianNanos < 0 ? "" : "; last median " + medianNanos / 1000 + " us")
          + (failed == 0 ? "" : "; " + failed + " failed, first: " + firstFailure)
          + ")";
    }
  }

  /**
   * Serves what {@code services} adds to a listener on 127.0.0.1 and an ephemeral port (plaintext,
   * on {@code transport}'s event loops, every call marked as {@link #MARK_CALLS} marks it) for as
   * long as {@code warmUp} runs with a channel to it; then closes both. How both servers warm their
   * request path through their own gRPC stack before the port callers use opens.
   */
  public static Report overLoopback(
      NettyTransport transport,
      int maxInboundMessageBytes,
      Consumer<ServerBuilder<?>> services,
      Function<ManagedChannel, Report> warmUp)
      throws IOException {
    ServerBuilder<?> builder =
        transport
            .server(LOOPBACK, 0, InsecureServerCredentials.create())
            .directExecutor()
            .maxInboundMessageSize(maxInboundMessageBytes)
            .intercept(MARK_CALLS);
    services.accept(builder);
    Server listener = builder.build().start();
    ManagedChannel channel =
        transport
            .channel(
                LOOPBACK,
                ((InetSocketAddress) listener.getListenSockets().get(0)).getPort(),
                InsecureChannelCredentials.create())
            .directExecutor()
            .maxInboundMessageSize(maxInboundMessageBytes)
            .build();
    try {
      return warmUp.apply(channel);
    } finally {
      Shutdowns.closeNow(channel);
      Shutdowns.closeNow(listener);
    }
  }

  /**
   * Sends {@code calls} (in turn, repeatedly) over {@code channel} as {@code config} says and
   * returns what happened. Failed calls are counted, never thrown: a warm-up that cannot finish
   * leaves a server cold, not stopped.
   */
  public static Report run(Channel channel, List<Call> calls, WarmupConfig config) {
    return run(channel, calls, config, config.maxDuration(), System::nanoTime);
  }

  /**
   * As {@link #run(Channel, List, WarmupConfig)}, each call given at most {@code callTimeout}, so
   * that a backend that never answers costs a few timeouts rather than the whole budget.
   */
  public static Report run(
      Channel channel, List<Call> calls, WarmupConfig config, Duration callTimeout) {
    return run(channel, calls, config, callTimeout, System::nanoTime);
  }

  static Report run(
      Channel channel,
      List<Call> calls,
      WarmupConfig config,
      Duration callTimeout,
      LongSupplier nanoTime) {
    requireNonNull(channel, "channel");
    requireNonNull(calls, "calls");
    requireNonNull(config, "config");
    if (!config.active()) {
      return Report.skipped("off");
    }
    if (calls.isEmpty()) {
      return Report.skipped("nothing to call");
    }
    long callTimeoutNanos = Math.max(1, callTimeout.toNanos());
    long started = nanoTime.getAsLong();
    long deadline = started + config.maxDuration().toNanos();
    WarmupSettling settling = new WarmupSettling(config.minCalls());
    Semaphore permits = new Semaphore(config.concurrency());
    Failures failures = new Failures();
    int failuresLimit = FAILURES_PER_SLOT * config.concurrency();
    long made = 0;
    String stopped = "budget of " + Durations.format(config.maxDuration()) + " spent";
    try {
      while (nanoTime.getAsLong() - deadline < 0) {
        Round round = new Round(permits, failures, nanoTime);
        for (int i = 0; i < ROUND_CALLS; i++) {
          long left = deadline - nanoTime.getAsLong();
          if (left <= 0
              || failures.inARow() >= failuresLimit
              || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
            break;
          }
          round.send(
              channel, calls.get((int) (made % calls.size())), Math.min(left, callTimeoutNanos));
          made++;
        }
        int answered = round.await(Math.max(0, deadline - nanoTime.getAsLong()) + GRACE_NANOS);
        if (settling.round(round.latencies, answered)) {
          stopped = "settled";
          break;
        }
        if (failures.inARow() >= failuresLimit) {
          stopped = failuresLimit + " calls in a row failed";
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = "interrupted";
    }
    return new Report(
        made,
        failures.count(),
        Duration.ofNanos(nanoTime.getAsLong() - started),
        settling.settled(),
        settling.lastMedianNanos(),
        stopped,
        failures.first());
  }

  /** The calls of one round and their answers; answered on the channel's threads. */
  private static final class Round {
    /** Each round its own, so that a call answering late can never write into the next one's. */
    final long[] latencies = new long[ROUND_CALLS];

    private final Semaphore permits;
    private final Failures failures;
    private final LongSupplier nanoTime;
    private final AtomicInteger answered = new AtomicInteger();
    private int sent;
    private final CountDownLatch done = new CountDownLatch(ROUND_CALLS);

    Round(Semaphore permits, Failures failures, LongSupplier nanoTime) {
      this.permits = permits;
      this.failures = failures;
      this.nanoTime = nanoTime;
    }

    void send(Channel channel, Call call, long deadlineNanos) {
      sent++;
      long began = nanoTime.getAsLong();
      ClientCalls.asyncUnaryCall(
          channel.newCall(
              call.method(),
              CallOptions.DEFAULT.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)),
          call.body(),
          new StreamObserver<byte[]>() {
            @Override
            public void onNext(byte[] value) {}

            @Override
            public void onError(Throwable t) {
              failures.failed(call.method(), Status.fromThrowable(t));
              end();
            }

            @Override
            public void onCompleted() {
              latencies[answered.getAndIncrement()] = nanoTime.getAsLong() - began;
              failures.answered();
              end();
            }
          });
    }

    private void end() {
      permits.release();
      done.countDown();
    }

    /** Waits up to {@code nanos} for the round's calls; returns how many answered OK. */
    int await(long nanos) throws InterruptedException {
      for (int unsent = sent; unsent < ROUND_CALLS; unsent++) {
        done.countDown();
      }
      done.await(nanos, TimeUnit.NANOSECONDS);
      // Calls still out past the grace are left to their deadline; their slots are not read.
      return Math.min(answered.get(), ROUND_CALLS);
    }
  }

  /** The run's failed calls, across its rounds: how many, how many in a row, and the first. */
  private static final class Failures {
    private final AtomicLong count = new AtomicLong();
    private final AtomicInteger inARow = new AtomicInteger();
    private final AtomicReference<String> first = new AtomicReference<>();

    /** A call of {@code method} ended with {@code status}, not OK. */
    void failed(MethodDescriptor<?, ?> method, Status status) {
      count.incrementAndGet();
      inARow.incrementAndGet();
      first.compareAndSet(
          null,
          method.getBareMethodName()
              + ": "
              + status.getCode()
              + (status.getDescription() == null ? "" : " " + status.getDescription()));
    }

    /** A call answered OK: the failures in a row start over. */
    void answered() {
      inARow.set(0);
    }

    long count() {
      return count.get();
    }

    int inARow() {
      return inARow.get();
    }

    /** The first failure's method and status; null while none failed. */
    String first() {
      return first.get();
    }
  }
}
