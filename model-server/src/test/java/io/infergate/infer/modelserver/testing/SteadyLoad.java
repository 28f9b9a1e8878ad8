package io.infergate.infer.modelserver.testing;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop ModelInfer calls from a few threads until stopped, counting every answer by status
 * code and by the version that gave it. What tests of version swaps run underneath.
 */
public final class SteadyLoad implements AutoCloseable {
  private final ConcurrentMap<Status.Code, AtomicLong> byCode = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> byVersion = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, String> failures = new ConcurrentHashMap<>();
  private final Thread[] threads;
  private volatile boolean running = true;

  private SteadyLoad(Channel channel, ModelInferRequest request, int threadCount) {
    threads = new Thread[threadCount];
    for (int i = 0; i < threadCount; i++) {
      threads[i] = new Thread(() -> loop(channel, request), "steady-load-" + i);
      threads[i].setDaemon(true);
    }
  }

  /** Starts {@code threadCount} threads each sending {@code request} as fast as it is answered. */
  public static SteadyLoad start(Channel channel, ModelInferRequest request, int threadCount) {
    SteadyLoad load = new SteadyLoad(channel, request, threadCount);
    for (Thread thread : load.threads) {
      thread.start();
    }
    return load;
  }

  private void loop(Channel channel, ModelInferRequest request) {
    var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    while (running) {
      try {
        String version =
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(request).getModelVersion();
        count(byVersion, version);
        count(byCode, Status.Code.OK);
      } catch (StatusRuntimeException e) {
        count(byCode, e.getStatus().getCode());
        failures.putIfAbsent(e.getStatus().getCode().name(), String.valueOf(e.getStatus()));
      }
    }
  }

  /** Calls answered OK by {@code version} so far. */
  public long answeredBy(String version) {
    AtomicLong count = byVersion.get(version);
    return count == null ? 0 : count.get();
  }

  /** Calls answered so far with {@code code}. */
  public long count(Status.Code code) {
    AtomicLong count = byCode.get(code);
    return count == null ? 0 : count.get();
  }

  /** Non-OK answers so far. */
  public long failed() {
    long failed = 0;
    for (Map.Entry<Status.Code, AtomicLong> entry : byCode.entrySet()) {
      if (entry.getKey() != Status.Code.OK) {
        failed += entry.getValue().get();
      }
    }
    return failed;
  }

  /** The first failure of each code, for assertion messages. */
  public Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  /** Stops the threads and waits for their last calls to be answered. */
  public void stop() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  /** Stops, for try-with-resources when a test fails before its own {@link #stop}. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "by code " + byCode + ", by version " + byVersion + ", first failures " + failures;
  }

  private static <K> void count(ConcurrentMap<K, AtomicLong> counts, K key) {
    counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }
}
