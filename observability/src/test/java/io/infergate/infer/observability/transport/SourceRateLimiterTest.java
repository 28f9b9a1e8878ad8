package io.infergate.infer.observability.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link SourceRateLimiter} on a clock the test moves: bursts, refills, and its bounded memory. */
class SourceRateLimiterTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long START = 123_456_789L;

  @Test
  void aSourceTakesItsBurstAtOnceAndNotOneMore() throws UnknownHostException {
    SourceRateLimiter limiter = new SourceRateLimiter(10, 5, 100);
    InetAddress source = address(1);

    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire(source, START)).as("connection %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire(source, START)).isFalse();
  }

  @Test
  void aRefusedSourceGetsOneConnectionPerIntervalBack() throws UnknownHostException {
    SourceRateLimiter limiter = new SourceRateLimiter(10, 2, 100);
    InetAddress source = address(1);
    limiter.tryAcquire(source, START);
    limiter.tryAcquire(source, START);

    assertThat(limiter.tryAcquire(source, START + SECOND / 10)).isTrue();
    assertThat(limiter.tryAcquire(source, START + SECOND / 10)).isFalse();
    // A whole second later the bucket is full again, but holds no more than the burst.
    assertThat(limiter.tryAcquire(source, START + 2 * SECOND)).isTrue();
    assertThat(limiter.tryAcquire(source, START + 2 * SECOND)).isTrue();
    assertThat(limiter.tryAcquire(source, START + 2 * SECOND)).isFalse();
  }

  @Test
  void aSourceThatKeepsRetryingFasterThanTheRateGetsNothingUntilItPausesForAnInterval()
      throws UnknownHostException {
    SourceRateLimiter limiter = new SourceRateLimiter(10, 2, 100);
    InetAddress source = address(1);
    limiter.tryAcquire(source, START);
    limiter.tryAcquire(source, START);

    // Retrying every 50 ms for 3 s: without the penalty 30 of these would be admitted.
    long now = START;
    for (int i = 0; i < 60; i++) {
      now += SECOND / 20;
      assertThat(limiter.tryAcquire(source, now)).as("retry %d", i).isFalse();
    }
    assertThat(limiter.tryAcquire(source, now + SECOND / 10 - 1)).isFalse();
    // One interval after that refused retry, one connection; the burst comes back only later.
    long paused = now + SECOND / 10 - 1 + SECOND / 10;
    assertThat(limiter.tryAcquire(source, paused)).isTrue();
    assertThat(limiter.tryAcquire(source, paused)).isFalse();
  }

  @Test
  void sourcesAreCountedApart() throws UnknownHostException {
    SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 100);

    assertThat(limiter.tryAcquire(address(1), START)).isTrue();
    assertThat(limiter.tryAcquire(address(1), START)).isFalse();
    assertThat(limiter.tryAcquire(address(2), START)).isTrue();
  }

  @Test
  void aSourceWhoseBucketIsFullAgainIsForgotten() throws UnknownHostException {
    SourceRateLimiter limiter = new SourceRateLimiter(10, 3, 100);
    limiter.tryAcquire(address(1), START);
    limiter.tryAcquire(address(2), START);
    assertThat(limiter.sources()).isEqualTo(2);

    // Address 1's bucket was full again 100 ms after it took its token: the next admission drops
    // it.
    limiter.tryAcquire(address(3), START + SECOND / 10);

    assertThat(limiter.sources()).isEqualTo(2);
  }

  @Test
  void pastItsBoundTheLeastRecentlySeenSourceIsForgotten() throws UnknownHostException {
    SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 2);
    limiter.tryAcquire(address(1), START);
    limiter.tryAcquire(address(2), START);
    limiter.tryAcquire(address(1), START); // refused, and now the most recently seen

    limiter.tryAcquire(address(3), START);

    assertThat(limiter.sources()).isEqualTo(2);
    assertThat(limiter.tryAcquire(address(1), START)).as("address 1 is still remembered").isFalse();
    assertThat(limiter.tryAcquire(address(2), START)).as("address 2 was forgotten").isTrue();
  }

  @Test
  void ratesAndSizesBelowOneAreRefused() {
    assertThatThrownBy(() -> new SourceRateLimiter(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perSecond: 0, burst: 1, maxSources: 1 (expected: each at least 1)");
  }

  private static InetAddress address(int last) throws UnknownHostException {
    return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
  }
}
