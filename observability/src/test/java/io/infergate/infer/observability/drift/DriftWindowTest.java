package io.infergate.infer.observability.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DriftWindowTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final DriftWindow window = new DriftWindow(3, 10, 2, 1, nanos::get);

  @Test
  void sumsThePresentBucketAndThoseBeforeItInsideTheWindowOnly() {
    window.current().bins().incrementAndGet(0); // bucket 100
    nanos.addAndGet(10);
    window.current().bins().incrementAndGet(1); // bucket 101
    nanos.addAndGet(15); // bucket 102: 100, 101 and 102 are the window

    assertThat(sum()).containsExactly(1, 1, 0);

    nanos.addAndGet(10); // bucket 103: 100 has left the window
    assertThat(sum()).containsExactly(0, 1, 0);
  }

  @Test
  void aStaleBucketIsZeroedWhenItsSlotComesRoundAgain() {
    window.current().bins().addAndGet(0, 5); // bucket 100, slot 1
    nanos.addAndGet(30); // bucket 103, the same slot

    window.current().bins().incrementAndGet(1);

    assertThat(sum()).containsExactly(0, 1, 0);
  }

  @Test
  void anEmptyWindowSumsToNothing() {
    assertThat(sum()).containsExactly(0, 0, 0);
  }

  private long[] sum() {
    long[] bins = new long[3];
    window.sum(bins, new long[2]);
    return bins;
  }
}
