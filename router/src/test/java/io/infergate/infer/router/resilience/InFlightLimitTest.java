package io.infergate.infer.router.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

  @Test
  void admitsExactlyMaxCallsAndRefusesTheNext() {
    InFlightLimit limit = new InFlightLimit(3);

    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(limit.tryAcquire()).isFalse();

    assertThat(limit.inFlight()).as("refusals take nothing").isEqualTo(3);
    assertThat(limit.max()).isEqualTo(3);
  }

  @Test
  void aReleaseFreesExactlyOnePlace() {
    InFlightLimit limit = new InFlightLimit(2);
    limit.tryAcquire();
    limit.tryAcquire();

    limit.release();

    assertThat(limit.inFlight()).isEqualTo(1);
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
  }

  @Test
  void aLimitOfOneAdmitsOneCallAtATime() {
    InFlightLimit limit = new InFlightLimit(1);

    for (int i = 0; i < 3; i++) {
      assertThat(limit.tryAcquire()).isTrue();
      assertThat(limit.tryAcquire()).isFalse();
      limit.release();
    }
    assertThat(limit.inFlight()).isZero();
  }

  @Test
  void refusesALimitBelowOne() {
    assertThatThrownBy(() -> new InFlightLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new InFlightLimit(-1)).hasMessage("max: -1 (expected: >= 1)");
  }

  @Test
  void concurrentCallersNeverHoldMoreThanMax() throws Exception {
    int max = 4;
    InFlightLimit limit = new InFlightLimit(max);
    // Counted apart from the limit, whose own count briefly includes callers it is refusing.
    AtomicInteger holders = new AtomicInteger();
    try (Together together = new Together(8)) {
      List<Integer> mostSeenByEach =
          together.run(
              () -> {
                int mostSeen = 0;
                for (int i = 0; i < 20_000; i++) {
                  if (limit.tryAcquire()) {
                    mostSeen = Math.max(mostSeen, holders.incrementAndGet());
                    holders.decrementAndGet();
                    limit.release();
                  }
                }
                return mostSeen;
              });
      // A worker may be refused every time while the others hold all the slots; none may ever
      // see more than max holders.
      assertThat(mostSeenByEach).allSatisfy(seen -> assertThat(seen).isBetween(0, max));
      assertThat(mostSeenByEach.stream().mapToInt(Integer::intValue).max().orElse(0))
          .isBetween(1, max);
    }

    assertThat(limit.inFlight()).isZero();
  }
}
