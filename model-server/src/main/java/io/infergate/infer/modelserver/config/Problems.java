package io.infergate.infer.modelserver.config;

import io.infergate.infer.observability.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems a configuration record's constructor finds, one line each ({@code port: 70000
 * (expected: an integer in 0..65535)}), thrown together so that {@code ConfigBinder} reports them
 * all with their paths.
 */
final class Problems {
  private final List<String> lines = new ArrayList<>();

  /** Notes {@code line} unless {@code ok}. */
  Problems check(boolean ok, String line) {
    if (!ok) {
      lines.add(line);
    }
    return this;
  }

  /** Notes {@code name} unless {@code value} is in {@code min..max}. */
  Problems range(String name, long value, long min, long max) {
    return check(
        value >= min && value <= max,
        name + ": " + value + " (expected: an integer in " + min + ".." + max + ")");
  }

  /** Notes {@code name} unless {@code value} is in {@code min..max}. */
  Problems range(String name, Duration value, Duration min, Duration max) {
    return check(
        value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
        name
            + ": "
            + Durations.format(value)
            + " (expected: a duration in "
            + Durations.format(min)
            + ".."
            + Durations.format(max)
            + ")");
  }

  /**
   * @throws IllegalArgumentException with every line noted, if any
   */
  void throwIfAny() {
    if (!lines.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", lines));
    }
  }
}
