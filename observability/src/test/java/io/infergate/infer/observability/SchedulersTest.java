package io.infergate.infer.observability;

import static org.assertj.core.api.Assertions.assertThat;

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
}
