package io.infergate.infer.modelserver.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.modelserver.backend.InferenceException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class WorkerQueueTest {
  /** Workers that run nothing until told: the queue's depth is then decided by the test. */
  private final Queue<Runnable> pending = new ArrayDeque<>();

  private final Executor heldWorkers = pending::add;

  @Test
  void shedsCallsPastItsCapacityWithAPushbackHint() {
    WorkerQueue queue = new WorkerQueue(heldWorkers, 2, 3);
    int[] ran = new int[1];
    for (int i = 0; i < 3; i++) {
      queue.submit(() -> ran[0]++);
    }

    assertThatThrownBy(() -> queue.submit(() -> ran[0]++))
        .isInstanceOfSatisfying(
            InferenceException.class,
            shed -> {
              assertThat(shed.kind()).isEqualTo(InferenceException.Kind.OVERLOADED);
              assertThat(shed.getMessage())
                  .isEqualTo(
                      "model server is busy: 3 calls are waiting for a worker (the"
                          + " workerQueueCapacity)");
              assertThat(shed.retryAfterMillis()).isPositive();
            });
    assertThat(queue.waiting()).isEqualTo(3);

    pending.remove().run();
    queue.submit(() -> ran[0]++);
    while (!pending.isEmpty()) {
      pending.remove().run();
    }
    assertThat(ran[0]).isEqualTo(4);
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void runsOnlyShortTimedRunsInlineAndNoneWhileACallWaitsForAWorker() {
    WorkerQueue queue = new WorkerQueue(heldWorkers, 1, 2, 100);

    assertThat(queue.runsInline(0)).as("never timed").isFalse();
    assertThat(queue.runsInline(100)).isTrue();
    assertThat(queue.runsInline(101)).isFalse();
    queue.submit(() -> {});
    assertThat(queue.runsInline(50)).as("a call waits for a worker").isFalse();
    pending.remove().run();
    assertThat(queue.runsInline(50)).isTrue();
    assertThat(new WorkerQueue(heldWorkers, 1, 2).runsInline(1)).as("off by default").isFalse();
  }

  @Test
  void answersUnavailableOnceTheWorkersHaveStopped() {
    WorkerQueue queue =
        new WorkerQueue(
            task -> {
              throw new RejectedExecutionException("stopped");
            },
            1,
            1);

    assertThatThrownBy(() -> queue.submit(() -> {}))
        .isInstanceOfSatisfying(
            InferenceException.class,
            refused -> assertThat(refused.kind()).isEqualTo(InferenceException.Kind.SHUTTING_DOWN));
    assertThat(queue.waiting()).isZero();
  }
}
