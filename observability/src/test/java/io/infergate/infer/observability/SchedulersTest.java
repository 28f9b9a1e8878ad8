package io.infergate.infer.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulersTest {
  @Test
  void runsItsTasksOnOneDaemonThreadOfTheGivenName() throws Exception {
    ScheduledExecutorService scheduler = Schedulers.daemon("test-timer");
    try {
      Thread first = scheduler.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
      Thread second =
          scheduler
              .schedule(Thread::currentThread, 1, TimeUnit.MILLISECONDS)
              .get(5, TimeUnit.SECONDS);

      assertThat(first.getName()).isEqualTo("test-timer");
      assertThat(first.isDaemon()).isTrue();
      assertThat(second).isSameAs(first);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void saysWhetherAStoppedExecutorStillRunsATaskAfterTheWait() {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService executor = shutDownWhileWaitingFor(release);

    assertThat(Schedulers.stillRunningAfter(executor, 0)).isTrue();
    release.countDown();
    assertThat(Schedulers.stillRunningAfter(executor, 5)).isFalse();
  }

  @Test
  void anInterruptedWaitStopsWaitingAndKeepsTheInterrupt() {
    ExecutorService executor = shutDownWhileWaitingFor(new CountDownLatch(1));
    Thread.currentThread().interrupt();
    try {
      assertThat(Schedulers.stillRunningAfter(executor, 5)).isFalse();
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * An executor, shut down, whose one task runs until {@code latch} opens (or it is interrupted).
   */
  private static ExecutorService shutDownWhileWaitingFor(CountDownLatch latch) {
    ExecutorService executor = Schedulers.daemon("test-stopping");
    executor.execute(
        () -> {
          try {
            latch.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    executor.shutdown();
    return executor;
  }
}
