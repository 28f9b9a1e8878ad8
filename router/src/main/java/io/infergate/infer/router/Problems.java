package io.infergate.infer.router;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems found while checking one value, in the {@code field: value (expected: ...)} form
 * that configuration errors take everywhere. All of a value's problems are collected before it is
 * refused, so that one edit can fix them all; the config layer prefixes each line with the path of
 * the value ({@code routes[0].variants[1].}).
 */
public final class Problems {
  /**
   * The longest a policy's timing may be (a breaker's window, an ejection, a slow start, a
   * pushback): longer is a mistake, such as milliseconds written as seconds.
   */
  public static final Duration MAX_POLICY_DURATION = Duration.ofHours(1);

  private final List<String> lines = new ArrayList<>(2);

  public void check(boolean valid, String field, Object value, String expected) {
    if (!valid) {
      add(field, value, expected);
    }
  }

  public void add(String field, Object value, String expected) {
    describe(field, show(value), expected);
  }

  /** Adds a problem whose value is described in words ({@code total weight 0}), not quoted. */
  public void describe(String field, String description, String expected) {
    lines.add(field + ": " + description + " (expected: " + expected + ")");
  }

  /** Checks that {@code value} is present and not blank. */
  public void nonBlank(String value, String field) {
    check(value != null && !value.isBlank(), field, value, "non-blank");
  }

  /** Checks that {@code value} is present, positive and at most {@link #MAX_POLICY_DURATION}. */
  public void positive(Duration value, String field) {
    positive(value, field, MAX_POLICY_DURATION);
  }

  /** Checks that {@code value} is present, positive and at most {@code max}. */
  public void positive(Duration value, String field, Duration max) {
    check(
        value != null && value.compareTo(Duration.ZERO) > 0 && value.compareTo(max) <= 0,
        field,
        value,
        "> 0 and <= " + max);
  }

  /** Checks that {@code value} is in {@code min..max}. */
  public void range(long value, String field, long min, long max) {
    check(value >= min && value <= max, field, value, min + ".." + max);
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /**
   * Refuses the value with every problem found, one a line.
   *
   * @throws IllegalArgumentException if any problem was found
   */
  public void throwIfAny() {
    if (!lines.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", lines));
    }
  }

  /**
   * Quotes strings, so that blank and padded values are visible in the message, and names a missing
   * value as such.
   */
  public static String show(Object value) {
    if (value == null) {
      return "missing";
    }
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
