package io.infergate.infer.router;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found while checking one value, in the {@code field: value (expected: ...)} form
 * that configuration errors take everywhere. All of a value's problems are collected before it is
 * refused, so that one edit can fix them all; the config layer prefixes each line with the path of
 * the value ({@code routes[0].variants[1].}).
 */
final class Problems {
  private final List<String> lines = new ArrayList<>(2);

  void check(boolean valid, String field, Object value, String expected) {
    if (!valid) {
      add(field, value, expected);
    }
  }

  void add(String field, Object value, String expected) {
    describe(field, show(value), expected);
  }

  /** Adds a problem whose value is described in words ({@code total weight 0}), not quoted. */
  void describe(String field, String description, String expected) {
    lines.add(field + ": " + description + " (expected: " + expected + ")");
  }

  /** Checks that {@code value} is present and not blank. */
  void nonBlank(String value, String field) {
    check(value != null && !value.isBlank(), field, value, "non-blank");
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  /**
   * Refuses the value with every problem found, one a line.
   *
   * @throws IllegalArgumentException if any problem was found
   */
  void throwIfAny() {
    if (!lines.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", lines));
    }
  }

  /**
   * Quotes strings, so that blank and padded values are visible in the message, and names a missing
   * value as such.
   */
  static String show(Object value) {
    if (value == null) {
      return "missing";
    }
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
