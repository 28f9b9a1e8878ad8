package io.infergate.infer.perf.kit;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.oip.v2.ModelMetadataResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop ModelInfer load, the one every benchmark suite drives: a fixed number of unary calls
 * always in flight over one connection, each answer sending the next call at once, with no thread
 * per call. Latency is from send to answer, in microseconds; every call is counted by its final
 * status code, so a single failure is visible.
 *
 * <p>{@link #metadataTo} makes the same loop of ModelMetadata calls instead, which never run a
 * model: what the server's gRPC layer alone sustains.
 *
 * <p>The channel runs callbacks on the transport threads ({@code directExecutor()}), so the next
 * call leaves without a thread hop. The loop can be started again after {@link #stop}.
 */
public final class ClosedLoop implements AutoCloseable {
  private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);
  private static final Status.Code[] CODES = Status.Code.values();

  private final ManagedChannel channel;
  private final GRPCInferenceServiceStub stub;
  private final ModelInferRequest[] requests;

  /** Sent instead of {@link #requests} when not null. */
  private final ModelMetadataRequest metadata;

  private final long deadlineNanos;
  private final BiConsumer<ModelInferResponse, Long> answers;
  private final Recorder latencies = new Recorder(MAX_MICROS, 3);
  private final AtomicLongArray callsByCode = new AtomicLongArray(CODES.length);
  private final ConcurrentMap<Status.Code, String> firstDescriptions = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile CountDownLatch drained = new CountDownLatch(0);
  private volatile boolean running;

  private ClosedLoop(
      ManagedChannel channel,
      ModelInferRequest[] requests,
      ModelMetadataRequest metadata,
      Duration deadline,
      BiConsumer<ModelInferResponse, Long> answers) {
    if (requests.length == 0 && metadata == null) {
      throw new IllegalArgumentException("requests: [] (expected: at least one)");
    }
    this.channel = channel;
    this.stub = GRPCInferenceServiceGrpc.newStub(channel);
    this.requests = requests.clone();
    this.metadata = metadata;
    this.deadlineNanos = deadline.toNanos();
    this.answers = requireNonNull(answers, "answers");
  }

  /**
   * A loop over a new plaintext connection to {@code 127.0.0.1:port}, sending {@code requests} in
   * turn.
   *
   * @param deadline each call's deadline; {@link Duration#ZERO} for none
   * @param answers told of each OK answer and the {@link System#nanoTime()} it arrived at
   */
  public static ClosedLoop to(
      int port,
      ModelInferRequest[] requests,
      Duration deadline,
      BiConsumer<ModelInferResponse, Long> answers) {
    return new ClosedLoop(channel(port), requests, null, deadline, answers);
  }

  /** A loop of ModelMetadata calls for {@code model}, over a new plaintext connection. */
  public static ClosedLoop metadataTo(int port, String model) {
    return new ClosedLoop(
        channel(port),
        new ModelInferRequest[0],
        ModelMetadataRequest.newBuilder().setName(model).build(),
        Duration.ZERO,
        (answer, nanos) -> {});
  }

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .directExecutor()
        .build();
  }

  /** {@link #to(int, ModelInferRequest[], Duration, BiConsumer)} with no deadline or listener. */
  public static ClosedLoop to(int port, ModelInferRequest... requests) {
    return to(port, requests, Duration.ZERO, (answer, nanos) -> {});
  }

  /** Puts {@code concurrency} calls in flight; each answer sends the next call at once. */
  public void start(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    drained = new CountDownLatch(1);
    inFlight.set(concurrency);
    running = true;
    for (int slot = 0; slot < concurrency; slot++) {
      send(slot);
    }
  }

  /**
   * Stops sending and waits for the calls in flight.
   *
   * @return false if some were still in flight after {@code timeout}
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    running = false;
    return drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Calls that have ended so far, whatever their status. */
  public long calls() {
    long calls = 0;
    for (int code = 0; code < CODES.length; code++) {
      calls += callsByCode.get(code);
    }
    return calls;
  }

  /** Calls that have ended with a status other than OK so far. */
  public long failedCalls() {
    return calls() - callsByCode.get(Status.Code.OK.value());
  }

  /** Ended calls by status code, codes with no call left out. */
  public Map<Status.Code, Long> callsByCode() {
    Map<Status.Code, Long> counts = new EnumMap<>(Status.Code.class);
    for (Status.Code code : CODES) {
      long count = callsByCode.get(code.value());
      if (count > 0) {
        counts.put(code, count);
      }
    }
    return counts;
  }

  /** The description of the first call that ended with {@code code}, or null. */
  public String firstDescription(Status.Code code) {
    return firstDescriptions.get(code);
  }

  /** The first failure, as {@code CODE: description}, or null when no call failed. */
  public String firstFailure() {
    for (Status.Code code : CODES) {
      if (code != Status.Code.OK && firstDescriptions.containsKey(code)) {
        return code + ": " + firstDescriptions.get(code);
      }
    }
    return null;
  }

  /** Latency, send to answer in µs, of the OK calls since the previous call of this method. */
  public Histogram latencySinceLastAsked() {
    return latencies.getIntervalHistogram();
  }

  private void send(int slot) {
    long sent = System.nanoTime();
    GRPCInferenceServiceStub s =
        deadlineNanos > 0 ? stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS) : stub;
    if (metadata != null) {
      s.modelMetadata(metadata, new Answer<ModelMetadataResponse>(slot, sent));
    } else {
      s.modelInfer(requests[slot % requests.length], new Answer<ModelInferResponse>(slot, sent));
    }
  }

  private void failed(int slot, Throwable t) {
    Status status = Status.fromThrowable(t);
    firstDescriptions.putIfAbsent(status.getCode(), String.valueOf(status.getDescription()));
    callsByCode.incrementAndGet(status.getCode().value());
    next(slot);
  }

  private void next(int slot) {
    if (running) {
      send(requests.length == 0 ? slot : (slot + 1) % requests.length);
    } else if (inFlight.decrementAndGet() == 0) {
      drained.countDown();
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  /**
   * One call's observer, whichever method: records its latency, hands inference answers to {@code
   * answers}, and starts the slot's next call when it ends.
   */
  private final class Answer<T> implements StreamObserver<T> {
    private final int slot;
    private final long sent;

    Answer(int slot, long sent) {
      this.slot = slot;
      this.sent = sent;
    }

    @Override
    public void onNext(T response) {
      long now = System.nanoTime();
      latencies.recordValue(Math.min(MAX_MICROS, (now - sent) / 1000));
      if (response instanceof ModelInferResponse inferResponse) {
        answers.accept(inferResponse, now);
      }
    }

    @Override
    public void onError(Throwable t) {
      failed(slot, t);
    }

    @Override
    public void onCompleted() {
      callsByCode.incrementAndGet(Status.Code.OK.value());
      next(slot);
    }
  }
}
