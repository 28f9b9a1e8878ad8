package io.infergate.infer.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeastOutstandingTest {

  @Test
  void picksTheEndpointWithFewestCallsInFlight() {
    LeastOutstanding balancer = new LeastOutstanding(3);
    balancer.pick();
    balancer.pick();
    balancer.pick();
    balancer.pick();
    balancer.pick();
    // Two calls each on endpoints 0 and 1, one on 2.

    assertThat(counts(balancer, 3)).containsExactly(2, 2, 1);
    assertThat(balancer.pick()).isEqualTo(2);

    balancer.release(1);
    balancer.release(1);
    assertThat(balancer.pick()).isEqualTo(1);
    assertThat(counts(balancer, 3)).containsExactly(2, 1, 2);
  }

  @Test
  void tiesSpreadOverEndpointsInsteadOfPilingOntoTheFirst() {
    LeastOutstanding balancer = new LeastOutstanding(3);

    int[] picks = Picks.oneAtATime(balancer, 6);

    assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2);
  }

  @Test
  void countsReturnToZeroOnceEveryCallIsReleased() {
    LeastOutstanding balancer = new LeastOutstanding(4);
    int[] picks = Picks.allInFlight(balancer, 10, 0);
    assertThat(counts(balancer, 4)).containsExactly(3, 3, 2, 2);

    for (int picked : picks) {
      balancer.release(picked);
    }

    assertThat(counts(balancer, 4)).containsOnly(0);
  }

  @Test
  void concurrentPicksAndReleasesLeaveNoCallsInFlight() throws Exception {
    LeastOutstanding balancer = new LeastOutstanding(3);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            CompletableFuture.runAsync(
                () -> {
                  awaitQuietly(start);
                  int[] held = new int[8];
                  for (int round = 0; round < 5_000; round++) {
                    for (int i = 0; i < held.length; i++) {
                      held[i] = balancer.pick();
                    }
                    for (int picked : held) {
                      balancer.release(picked);
                    }
                  }
                },
                pool));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(counts(balancer, 3)).containsOnly(0);
  }

  @Test
  void anExcludedEndpointIsNeverPickedEvenWithTheFewestCallsInFlight() {
    // The bug this guards against: a dead endpoint fails its calls at once, so it always had the
    // fewest in flight and kept being chosen.
    LeastOutstanding balancer = new LeastOutstanding(3);
    for (int i = 0; i < 4; i++) {
      balancer.pick(0b001);
    }
    assertThat(counts(balancer, 3)).containsExactly(0, 2, 2);

    for (int i = 0; i < 100; i++) {
      int picked = balancer.pick(0b001);
      assertThat(picked).isIn(1, 2);
      balancer.release(picked);
    }

    assertThat(counts(balancer, 3)).containsExactly(0, 2, 2);
    assertThat(balancer.pick(0b010)).as("0 is back").isZero();
  }

  @Test
  void amongTheEndpointsNotExcludedTheLeastLoadedWins() {
    LeastOutstanding balancer = new LeastOutstanding(4);
    balancer.pick(0b1110); // 0
    balancer.pick(0b1101); // 1
    balancer.pick(0b1101); // 1
    balancer.pick(0b1011); // 2
    assertThat(counts(balancer, 4)).containsExactly(1, 2, 1, 0);

    assertThat(balancer.pick(0b1000)).as("3 excluded: 0 and 2 tie at one").isIn(0, 2);
    assertThat(balancer.pick(0b1101)).as("only 1 left").isEqualTo(1);
  }

  @Test
  void everyEndpointExcludedLeavesNoneAndCountsNothing() {
    LeastOutstanding balancer = new LeastOutstanding(3);
    balancer.pick();

    assertThat(balancer.pick(0b111)).isEqualTo(-1);
    assertThat(balancer.pick(-1L)).isEqualTo(-1);

    assertThat(counts(balancer, 3)).containsExactly(1, 0, 0);
  }

  @Test
  void theSixtyFourthEndpointsCallsAreCountedLikeAnyOther() {
    LeastOutstanding balancer = new LeastOutstanding(64);

    assertThat(balancer.pick(~(1L << 63))).isEqualTo(63);
    Picks.allInFlight(balancer, 200, 1L << 63);

    assertThat(balancer.outstanding(63)).isEqualTo(1);
  }

  private static int[] counts(LeastOutstanding balancer, int endpoints) {
    int[] counts = new int[endpoints];
    for (int i = 0; i < endpoints; i++) {
      counts[i] = balancer.outstanding(i);
    }
    return counts;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
