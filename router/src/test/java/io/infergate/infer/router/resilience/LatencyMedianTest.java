package io.infergate.infer.router.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The estimate moves a sixteenth of itself per sample, so any single reading jitters around the
 * median (about ±20% for a lognormal of sigma 1); the tests therefore judge its average over many
 * samples, which a simulation over thousands of seeds keeps within the bounds asserted here.
 */
class LatencyMedianTest {
  private static final long MILLI = 1_000_000;

  @Test
  void isZeroBeforeTheFirstSampleAndTheSampleAfterIt() {
    LatencyMedian median = new LatencyMedian();
    assertThat(median.nanos()).isZero();

    median.record(7 * MILLI);

    assertThat(median.nanos()).isEqualTo(7 * MILLI);
  }

  @Test
  void settlesNearTheMedianOfASkewedDistributionNotItsMean() {
    // Lognormal with sigma 1: the mean is e^0.5, 1.65 times the median.
    LatencyMedian median = new LatencyMedian();
    Random random = new Random(42);
    long trueMedian = 20 * MILLI;

    double average = averageEstimate(median, random, trueMedian, 1.0, 300, 3_000);

    assertThat(average).isCloseTo(trueMedian, within(0.10 * trueMedian));
    assertThat(trueMedian * Math.exp(0.5)).isGreaterThan(average * 1.4);
  }

  @Test
  void followsAShiftUpAndDownWithinAFewDozenCalls() {
    LatencyMedian median = new LatencyMedian();
    Random random = new Random(7);
    feed(median, random, MILLI, 0.5, 1_000);

    feed(median, random, 10 * MILLI, 0.5, 60);
    assertThat(median.nanos()).as("60 calls after a rise to 10 ms").isGreaterThan(5 * MILLI);
    double average = averageEstimate(median, random, 10 * MILLI, 0.5, 0, 1_000);
    assertThat(average).isCloseTo(10 * MILLI, within(0.10 * 10 * MILLI));

    feed(median, random, MILLI, 0.5, 60);
    assertThat(median.nanos()).as("60 calls after a fall to 1 ms").isLessThan(2 * MILLI);
  }

  @Test
  void eachSampleMovesTheEstimateOneSixteenthTowardsIt() {
    LatencyMedian median = new LatencyMedian();
    median.record(1_600);

    median.record(1_000_000);
    assertThat(median.nanos()).isEqualTo(1_700);

    median.record(1);
    assertThat(median.nanos()).isEqualTo(1_700 - 1_700 / 16);

    long before = median.nanos();
    median.record(before);
    assertThat(median.nanos()).as("a sample equal to the estimate").isEqualTo(before);
  }

  @Test
  void tinyLatenciesStillMoveTheEstimateAndItNeverFallsToZero() {
    LatencyMedian median = new LatencyMedian();
    median.record(0);
    assertThat(median.nanos()).as("a zero first sample still counts as seen").isEqualTo(1);

    median.record(5);
    median.record(5);
    assertThat(median.nanos()).isEqualTo(3);

    for (int i = 0; i < 100; i++) {
      median.record(0);
    }
    assertThat(median.nanos()).isEqualTo(1);
  }

  /** Feeds {@code warmUp} samples, then returns the mean of the estimate over {@code samples}. */
  private static double averageEstimate(
      LatencyMedian median, Random random, long trueMedian, double sigma, int warmUp, int samples) {
    feed(median, random, trueMedian, sigma, warmUp);
    double sum = 0;
    for (int i = 0; i < samples; i++) {
      median.record(lognormal(random, trueMedian, sigma));
      sum += median.nanos();
    }
    return sum / samples;
  }

  private static void feed(
      LatencyMedian median, Random random, long trueMedian, double sigma, int samples) {
    for (int i = 0; i < samples; i++) {
      median.record(lognormal(random, trueMedian, sigma));
    }
  }

  private static long lognormal(Random random, long median, double sigma) {
    return Math.round(median * Math.exp(sigma * random.nextGaussian()));
  }
}
