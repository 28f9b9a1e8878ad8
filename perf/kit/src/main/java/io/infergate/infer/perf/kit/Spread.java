package io.infergate.infer.perf.kit;

import java.util.Arrays;
import java.util.List;

/**
 * Median, minimum and maximum of one figure over benchmark rounds: the median is what we report,
 * min and max show how much to trust it.
 */
public record Spread(double median, double min, double max) {

  /**
   * Summarises {@code values}; an even count takes the mean of the two middle values.
   *
   * @throws IllegalArgumentException if there are no values
   */
  public static Spread of(List<Double> values) {
    return of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** {@link #of(List)} for an array. */
  public static Spread of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("values: [] (expected: at least one)");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    double median =
        sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return new Spread(median, sorted[0], sorted[sorted.length - 1]);
  }
}
