package io.infergate.infer.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls of model {@code digits} from a few threads, back to back, while a test changes what serves
 * them: which backend answered each ({@code x-served-by}), and every call that failed.
 */
public final class CallLoad {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong ok = new AtomicLong();
  private final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Reply> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();

  private CallLoad(GatewayClient client, int threads) {
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> call(client), "load-" + t);
      thread.start();
      this.threads.add(thread);
    }
  }

  /** Starts {@code threads} callers through {@code client}. */
  public static CallLoad start(GatewayClient client, int threads) {
    return new CallLoad(client, threads);
  }

  /** Answered calls by the backend that answered them; a test may clear it to count afresh. */
  public Map<String, AtomicLong> servedBy() {
    return servedBy;
  }

  /** Every call that failed. */
  public List<Reply> failures() {
    return List.copyOf(failures);
  }

  /** Waits until {@code more} calls than now have been answered. */
  public void awaitCalls(long more) {
    long before = ok.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > before + more);
  }

  /** Stops the callers and waits for their last calls. */
  public void stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(20_000);
    }
  }

  private void call(GatewayClient client) {
    while (running.get()) {
      Reply reply = client.infer("digits", Map.of());
      if (reply.isOk()) {
        ok.incrementAndGet();
        servedBy
            .computeIfAbsent(reply.header("x-served-by"), k -> new AtomicLong())
            .incrementAndGet();
      } else {
        failures.add(reply);
      }
    }
  }
}
