package io.infergate.infer.router.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every decision runs on a fake clock, {@link #now}, in nanoseconds; nothing sleeps. */
class RetryBudgetTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final AtomicLong now = new AtomicLong(987_654_321L);

  @Test
  void aHundredCallsAtARatioOfOneFifthAllowTwentyRetriesAndNotTheTwentyFirst() {
    RetryBudget budget = budget(0.2, 0);

    calls(budget, 100);

    assertThat(retries(budget, 20)).isEqualTo(20);
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void withoutCallsOrAFloorThereAreNoRetries() {
    RetryBudget budget = budget(0.2, 0);

    assertThat(budget.tryRetry()).isFalse();
    now.addAndGet(Duration.ofHours(1).toNanos());
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void eachCallDepositsItsShareOfARetry() {
    RetryBudget budget = budget(0.2, 0);

    calls(budget, 4);
    assertThat(budget.tryRetry()).as("0.8 of a retry").isFalse();

    budget.onCall();
    assertThat(budget.tryRetry()).as("one whole retry").isTrue();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void aRatioOfZeroAllowsNoRetriesWhateverTheCalls() {
    RetryBudget budget = budget(0, 0);

    calls(budget, 10_000);

    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void theFloorAllowsItsRetriesEachSecondOfAQuietRoute() {
    RetryBudget budget = budget(0, 10);

    assertThat(retries(budget, 100)).as("the first second's worth").isEqualTo(10);

    for (int second = 1; second <= 5; second++) {
      now.addAndGet(SECOND);
      assertThat(retries(budget, 100)).as("second %d", second).isEqualTo(10);
    }

    now.addAndGet(SECOND / 10);
    assertThat(retries(budget, 100)).as("a tenth of a second").isEqualTo(1);
    now.addAndGet(SECOND / 10 - 1);
    assertThat(retries(budget, 100)).as("a nanosecond short of the next").isZero();
    now.addAndGet(1);
    assertThat(retries(budget, 100)).isEqualTo(1);
  }

  @Test
  void theFloorIsKeptWhenRetriesAreAskedForInTinySteps() {
    // An outage asks on every failing call; each step earns a fraction of a retry that must not be
    // lost to rounding. 150 microseconds at 10 per second is 1.5 thousandths of a retry.
    RetryBudget budget = budget(0, 10);
    retries(budget, 100);

    long step = Duration.ofNanos(150_000).toNanos();
    long end = now.get() + 10 * SECOND;
    int granted = 0;
    while (now.get() < end) {
      now.addAndGet(step);
      if (budget.tryRetry()) {
        granted++;
      }
    }

    assertThat(granted).isBetween(99, 100);
  }

  @Test
  void aLongHealthySpellSavesUpAtMostTheCap() {
    // The cap: one second of the floor plus a hundred calls' deposits, 10 + 20 retries.
    RetryBudget budget = budget(0.2, 10);

    for (int i = 0; i < 1_000_000; i++) {
      budget.onCall();
      if (i % 1000 == 0) {
        now.addAndGet(SECOND);
      }
    }
    now.addAndGet(Duration.ofHours(1).toNanos());

    assertThat(retries(budget, 1_000)).isEqualTo(30);
  }

  @Test
  void aLongIdleSpellSavesUpOnlyOneSecondOfTheFloor() {
    RetryBudget budget = budget(0, 10);
    retries(budget, 100);

    now.addAndGet(Duration.ofDays(1).toNanos());

    assertThat(retries(budget, 1_000)).isEqualTo(10);
  }

  @Test
  void aHugeElapsedTimeDoesNotOverflow() {
    // The cap at a floor of 1000 and a ratio of 0.2: 1000 + 100 x 0.2 retries.
    RetryBudget budget = budget(0.2, 1000);
    assertThat(retries(budget, 10_000)).as("the first second's worth").isEqualTo(1000);

    now.addAndGet(Long.MAX_VALUE / 2);
    assertThat(retries(budget, 10_000)).isEqualTo(1020);

    now.addAndGet(Long.MAX_VALUE / 2); // the clock has wrapped past Long.MAX_VALUE
    assertThat(now.get()).isNegative();
    assertThat(retries(budget, 10_000)).isEqualTo(1020);
  }

  @Test
  void aClockThatStandsStillOrGoesBackEarnsNothing() {
    RetryBudget budget = budget(0, 10);
    retries(budget, 100);

    assertThat(budget.tryRetry()).isFalse();
    now.addAndGet(-SECOND);
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void retriesNeverExceedTheRatioOfCallsPlusTheFloorPerSecondPlusTheCap() {
    SplittableRandom random = new SplittableRandom(17);
    for (int round = 0; round < 50; round++) {
      double ratio = random.nextInt(0, 101) / 100.0;
      int floor = random.nextInt(0, 50);
      RetryBudget budget = budget(ratio, floor);
      long start = now.get();
      long calls = 0;
      long retries = 0;
      for (int event = 0; event < 20_000; event++) {
        now.addAndGet(random.nextLong(0, SECOND / 50));
        if (random.nextInt(4) == 0) {
          if (budget.tryRetry()) {
            retries++;
          }
        } else {
          budget.onCall();
          calls++;
        }
      }
      double seconds = (now.get() - start) / (double) SECOND;
      double cap = floor + 100 * ratio;

      assertThat((double) retries)
          .as("round %d: ratio %s, floor %d", round, ratio, floor)
          .isLessThanOrEqualTo(ratio * calls + floor * seconds + cap);
    }
  }

  @Test
  void whenRetriesAreAskedForEveryTimeTheyReachTheRatioOfCalls() {
    // Half the calls fail and each asks to retry: the budget, not the failures, sets the pace.
    RetryBudget budget = budget(0.2, 0);
    int retries = 0;
    for (int i = 0; i < 100_000; i++) {
      budget.onCall();
      if (i % 2 == 0 && budget.tryRetry()) {
        retries++;
      }
    }

    assertThat(retries).isBetween(19_999, 20_000);
  }

  private RetryBudget budget(double ratio, int minRetriesPerSecond) {
    return new RetryBudget(new RetryPolicy(3, ratio, minRetriesPerSecond), now::get);
  }

  /** Makes {@code count} calls, each depositing its share of a retry. */
  private static void calls(RetryBudget budget, int count) {
    for (int i = 0; i < count; i++) {
      budget.onCall();
    }
  }

  /** Takes retries until refused or {@code most} are taken; how many were taken. */
  private static int retries(RetryBudget budget, int most) {
    int taken = 0;
    while (taken < most && budget.tryRetry()) {
      taken++;
    }
    return taken;
  }
}
