package io.infergate.infer.router.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Races for the concurrency tests: the same task on several threads, released at once. Its threads
 * live until it is closed, so a test can race many short rounds on them.
 */
final class Together implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool;

  Together(int threads) {
    this.threads = threads;
    this.pool = Executors.newFixedThreadPool(threads);
  }

  /**
   * Runs {@code task} on every thread, all started by one latch so that they overlap as much as
   * they can, and returns what each returned (waiting up to 10 s each).
   */
  List<Integer> run(Callable<Integer> task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                start.await();
                return task.call();
              }));
    }
    start.countDown();
    List<Integer> results = new ArrayList<>();
    for (Future<Integer> worker : workers) {
      results.add(worker.get(10, TimeUnit.SECONDS));
    }
    return results;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
