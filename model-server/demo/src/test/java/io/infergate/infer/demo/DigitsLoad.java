package io.infergate.infer.demo;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.demo.DigitsServers.Answer;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Callers for the end-to-end tests: threads that classify held-out digits through the gateway, one
 * call after another, until stopped, counting answers, correct answers, the variants that answered
 * ({@code x-variant}) and every failed call.
 */
final class DigitsLoad {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong correct = new AtomicLong();
  private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  private DigitsLoad() {}

  /** Starts {@code callers} threads sending through {@code channel}. */
  static DigitsLoad start(ManagedChannel channel, int callers) {
    DigitsLoad load = new DigitsLoad();
    for (int t = 0; t < callers; t++) {
      int first = t;
      Thread thread = new Thread(() -> load.classify(channel, first, callers), "digits-load-" + t);
      thread.start();
      load.threads.add(thread);
    }
    return load;
  }

  /** Waits (at most 30 s) until {@code more} calls have been answered since this call. */
  void awaitAnswers(long more) {
    long before = answered.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > before + more);
  }

  /** Answers per {@code x-variant} value since the start or the last {@link #forgetVariants}. */
  Map<String, AtomicLong> variants() {
    return seen;
  }

  void forgetVariants() {
    seen.clear();
  }

  List<Throwable> failures() {
    return List.copyOf(failures);
  }

  double correctShare() {
    return (double) correct.get() / answered.get();
  }

  /** Stops the callers and waits for each one's last call. */
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(20_000);
    }
  }

  private void classify(ManagedChannel channel, int first, int step) {
    DigitsDataset heldOut = DigitsRequests.validation();
    for (int row = first; running.get(); row = (row + step) % heldOut.size()) {
      try {
        Answer answer = DigitsServers.classify(channel, heldOut, row);
        answered.incrementAndGet();
        correct.addAndGet(answer.correct() ? 1 : 0);
        seen.computeIfAbsent(answer.variant(), k -> new AtomicLong()).incrementAndGet();
      } catch (StatusRuntimeException e) {
        failures.add(e);
      }
    }
  }
}
