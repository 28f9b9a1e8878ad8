package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.infer.router.release.WindowFigures;
import io.infergate.infer.router.resilience.CallOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VariantWindowTest {
  private static final long MS = 1_000_000;

  @Test
  void countsWhatBackendsAnsweredAndNotWhatNeverReachedOne() {
    VariantWindow window = new VariantWindow();
    for (int i = 0; i < 90; i++) {
      window.record(CallOutcome.SUCCESS, 10 * MS);
    }
    for (int i = 0; i < 6; i++) {
      window.record(CallOutcome.BACKEND_FAILURE, 100 * MS);
    }
    window.record(CallOutcome.NOT_REACHED, MS);
    for (int i = 0; i < 3; i++) {
      window.record(CallOutcome.CALLER_ERROR, MS);
    }
    window.record(CallOutcome.CANCELLED, MS);
    window.record(CallOutcome.OVERLOAD, MS);
    window.record(CallOutcome.REJECTED, MS);
    window.roll();

    WindowFigures figures = window.figures(Duration.ofSeconds(10));

    assertThat(figures.calls()).isEqualTo(100);
    assertThat(figures.backendFailures()).isEqualTo(7);
    assertThat(figures.callerErrors()).isEqualTo(3);
    // One significant digit: within about 6%.
    assertThat(figures.p50Nanos()).isCloseTo(10 * MS, within(MS));
    assertThat(figures.p99Nanos()).isCloseTo(100 * MS, within(7 * MS));
    assertThat(figures.callsPerSecond()).isEqualTo(10.0);
  }

  @Test
  void seesOnlyTheNewestSecondsAskedFor() {
    VariantWindow window = new VariantWindow();
    window.record(CallOutcome.BACKEND_FAILURE, MS);
    window.roll();
    for (int second = 0; second < 3; second++) {
      window.record(CallOutcome.SUCCESS, MS);
      window.roll();
    }

    assertThat(window.figures(Duration.ofSeconds(3)).backendFailures()).isZero();
    assertThat(window.figures(Duration.ofSeconds(4)).backendFailures()).isEqualTo(1);
    assertThat(window.figures(Duration.ofSeconds(3)).calls()).isEqualTo(3);
  }

  @Test
  void forgetsCallsOlderThanItsThirtySeconds() {
    VariantWindow window = new VariantWindow();
    window.record(CallOutcome.SUCCESS, MS);
    for (int second = 0; second < 30; second++) {
      window.roll();
    }
    assertThat(window.figures(Duration.ofSeconds(30)).calls()).isEqualTo(1);

    window.roll();

    assertThat(window.figures(Duration.ofSeconds(30)).calls()).isZero();
    assertThat(window.figures(Duration.ofSeconds(30)).p99Nanos()).isZero();
  }
}
