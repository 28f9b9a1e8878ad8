package io.infergate.infer.router.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.router.release.Verdict.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatesTest {
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final long MS = 1_000_000;

  private static WindowFigures figures(long calls, long failures, long callerErrors, long p50Ms) {
    return new WindowFigures(WINDOW, calls, failures, callerErrors, p50Ms * MS, 10 * p50Ms * MS);
  }

  @Test
  void aCanaryFailingHalfItsCallsIsBreached() {
    Verdict verdict = Gates.DEFAULT.judge(figures(100, 50, 0, 10), figures(900, 0, 0, 10));

    assertThat(verdict.kind()).isEqualTo(Kind.BREACHED);
    assertThat(verdict.why()).contains("50.0%");
    assertThat(verdict.figures()).containsEntry("canary_failure_rate", 0.5);
  }

  @ParameterizedTest(name = "{0}: {9}")
  @CsvSource(
      textBlock =
          """
          # why, canary calls, failures, caller errors, p50 ms; stable the same; verdict
          5 failure points more than stable is allowed,   100, 15,   0,  10,  100, 10, 0, 10, HOLDING
          6 failure points more than stable is not,       100, 16,   0,  10,  100, 10, 0, 10, BREACHED
          caller errors never count against the canary,   100,  0, 100,  10,  900,  0, 0, 10, HOLDING
          a tripled median,                               100,  0,   0,  60,  900,  0, 0, 20, BREACHED
          3x of 1 ms is within min_latency_increase 5 ms, 100,  0,   0,   3,  900,  0, 0,  1, HOLDING
          exactly 2x the median is allowed,               100,  0,   0,  40,  900,  0, 0, 20, HOLDING
          latency is not judged on 19 stable calls,       100,  0,   0, 900,   19,  0, 0, 10, HOLDING
          min_calls 20 answered: the canary is judged,     20, 19,   0,  10,  900,  0, 0, 10, BREACHED
          """)
  void theDefaultGatesJudgeTheCanaryAgainstStable(
      String why,
      long canaryCalls,
      long canaryFailures,
      long canaryCallerErrors,
      long canaryP50Ms,
      long stableCalls,
      long stableFailures,
      long stableCallerErrors,
      long stableP50Ms,
      Kind expected) {
    Verdict verdict =
        Gates.DEFAULT.judge(
            figures(canaryCalls, canaryFailures, canaryCallerErrors, canaryP50Ms),
            figures(stableCalls, stableFailures, stableCallerErrors, stableP50Ms));

    assertThat(verdict.kind()).as(verdict.why()).isEqualTo(expected);
  }

  @Test
  void nothingIsJudgedBeforeTheCanaryAnsweredMinCalls() {
    Verdict verdict = Gates.DEFAULT.judge(figures(19, 19, 0, 10), figures(900, 0, 0, 10));

    assertThat(verdict.kind()).isEqualTo(Kind.TOO_FEW_CALLS);
  }

  @Test
  void theP99IsJudgedOnlyWhenAsked() {
    WindowFigures canary = new WindowFigures(WINDOW, 100, 0, 0, 10 * MS, 500 * MS);
    WindowFigures stable = new WindowFigures(WINDOW, 900, 0, 0, 10 * MS, 40 * MS);
    Gates p99 = new Gates(0.05, 2, 3, Duration.ofMillis(5), 20, WINDOW, 3);

    assertThat(Gates.DEFAULT.judge(canary, stable).kind()).isEqualTo(Kind.HOLDING);
    assertThat(p99.judge(canary, stable).kind()).isEqualTo(Kind.BREACHED);
    assertThat(p99.judge(canary, stable).why()).startsWith("p99 latency 500.0 ms");
  }
}
