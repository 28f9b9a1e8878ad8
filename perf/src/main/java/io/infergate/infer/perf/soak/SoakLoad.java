package io.infergate.infer.perf.soak;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A fixed number of ModelInfer calls always in flight over one connection, each with a deadline,
 * for as long as the soak runs. Every call is counted by its final status code, so a single failure
 * across all the swaps is visible; every answer is counted by the version that gave it, and the
 * first answer from each version is timed, which is how a swap is seen to complete.
 */
final class SoakLoad implements AutoCloseable {
  private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(60);
  private static final Status.Code[] CODES = Status.Code.values();

  private final ManagedChannel channel;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub;
  private final ModelInferRequest[] requests;
  private final long deadlineNanos;
  private final Recorder latencies = new Recorder(MAX_MICROS, 3);
  private final AtomicLongArray callsByCode = new AtomicLongArray(CODES.length);
  private final ConcurrentMap<Status.Code, String> firstDescriptions = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, LongAdder> answersByVersion = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, CompletableFuture<Long>> firstAnswerNanos =
      new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CountDownLatch drained = new CountDownLatch(1);
  private volatile boolean running;

  /**
   * @param requests sent in turn; they name the model and no version, so the server picks the
   *     newest it serves
   */
  SoakLoad(int port, ModelInferRequest[] requests, Duration deadline) {
    this.channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
    this.stub = GRPCInferenceServiceGrpc.newStub(channel);
    this.requests = requests.clone();
    this.deadlineNanos = deadline.toNanos();
  }

  /** Puts {@code concurrency} calls in flight; each answer sends the next call at once. */
  void start(int concurrency) {
    running = true;
    inFlight.set(concurrency);
    for (int slot = 0; slot < concurrency; slot++) {
      send(slot);
    }
  }

  /**
   * Stops sending and waits for the calls in flight, which end by their deadline at the latest.
   *
   * @return whether they all ended in time
   */
  boolean stop() throws InterruptedException {
    running = false;
    return drained.await(deadlineNanos + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
  }

  /** Calls that have ended so far, whatever their status. */
  long calls() {
    long calls = 0;
    for (int code = 0; code < CODES.length; code++) {
      calls += callsByCode.get(code);
    }
    return calls;
  }

  /** Calls that have ended with a status other than OK so far. */
  long failedCalls() {
    return calls() - callsByCode.get(Status.Code.OK.value());
  }

  /** Ended calls by status code, codes with no call left out. */
  Map<Status.Code, Long> callsByCode() {
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
  String firstDescription(Status.Code code) {
    return firstDescriptions.get(code);
  }

  /** OK answers by the {@code model_version} they carry. */
  SortedMap<Long, Long> answersByVersion() {
    SortedMap<Long, Long> counts = new TreeMap<>();
    answersByVersion.forEach((version, count) -> counts.put(version, count.sum()));
    return counts;
  }

  /** Completes with the {@link System#nanoTime()} of the first answer from {@code version}. */
  CompletableFuture<Long> firstAnswerNanos(long version) {
    return firstAnswerNanos.computeIfAbsent(version, v -> new CompletableFuture<>());
  }

  /** Latency, send to answer in µs, of the OK calls since the previous call of this method. */
  Histogram latencySinceLastAsked() {
    return latencies.getIntervalHistogram();
  }

  private void send(int slot) {
    long sent = System.nanoTime();
    stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
        .modelInfer(
            requests[slot % requests.length],
            new StreamObserver<ModelInferResponse>() {
              @Override
              public void onNext(ModelInferResponse response) {
                long now = System.nanoTime();
                latencies.recordValue(Math.min(MAX_MICROS, (now - sent) / 1000));
                long version = version(response);
                firstAnswerNanos(version).complete(now);
                answersByVersion.computeIfAbsent(version, v -> new LongAdder()).increment();
              }

              @Override
              public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                firstDescriptions.putIfAbsent(
                    status.getCode(), String.valueOf(status.getDescription()));
                callsByCode.incrementAndGet(status.getCode().value());
                next(slot);
              }

              @Override
              public void onCompleted() {
                callsByCode.incrementAndGet(Status.Code.OK.value());
                next(slot);
              }
            });
  }

  private void next(int slot) {
    if (running) {
      send((slot + 1) % requests.length);
    } else if (inFlight.decrementAndGet() == 0) {
      drained.countDown();
    }
  }

  /** The answer's version; -1 if it names none or not a number, which the report shows. */
  private static long version(ModelInferResponse response) {
    try {
      return Long.parseLong(response.getModelVersion());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
