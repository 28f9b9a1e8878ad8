package io.infergate.infer.perf.loadtest;

import io.infergate.infer.observability.config.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads flag values into typed ones, collecting every problem instead of stopping at the first, so
 * that one bad command line is answered with all that is wrong with it (exit code 2).
 */
final class Flags {
  private static final Pattern SIZE =
      Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?i?b?)?\\s*");

  private final List<String> problems = new ArrayList<>();
  private final List<String> conflicts = new ArrayList<>();

  /**
   * An enum whose constants are spelled on the command line as {@link #flag()}: the name in lower
   * case with '-' for '_' ({@code GRPC_JAVA} is {@code grpc-java}).
   */
  interface Named {
    String name();

    default String flag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** A value that cannot be used, as a whole line ({@code --flag value (expected: ...)}). */
  void problem(String line) {
    // Settings read twice (the target's connection and the warm-up target's) report a problem once.
    if (!problems.contains(line)) {
      problems.add(line);
    }
  }

  /** Two or more flags that cannot go together; reported on one {@code conflicting flags:} line. */
  void conflict(String what) {
    if (!conflicts.contains(what)) {
      conflicts.add(what);
    }
  }

  /** Throws a {@link UsageException} naming every problem seen, if any. */
  void throwIfAny() {
    List<String> all = new ArrayList<>(problems);
    if (!conflicts.isEmpty()) {
      all.add("conflicting flags: " + String.join("; ", conflicts));
    }
    if (!all.isEmpty()) {
      throw new UsageException(String.join("\n", all));
    }
  }

  /** The constant spelled {@code value}, or {@code fallback} (after a problem) when none is. */
  <E extends Enum<E> & Named> E oneOf(String flag, String value, Class<E> type, E fallback) {
    E e = find(type, value);
    if (e == null) {
      problem(flag + " " + value + ": expected one of " + spellings(type));
      return fallback;
    }
    return e;
  }

  /** The constant spelled {@code value}, or null. */
  static <E extends Enum<E> & Named> E find(Class<E> type, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.flag().equals(value)) {
        return e;
      }
    }
    return null;
  }

  /** How the constants are spelled, comma-separated. */
  static <E extends Enum<E> & Named> String spellings(Class<E> type) {
    List<String> all = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      all.add(e.flag());
    }
    return String.join(", ", all);
  }

  /** {@code v}, or 0 (after a problem) when negative. */
  long nonNegative(String flag, long v) {
    if (v < 0) {
      problem(flag + " " + v + " (expected: >= 0)");
      return 0;
    }
    return v;
  }

  /** The duration in nanoseconds, or 0 (after a problem) when it is not a duration {@code >= 0}. */
  long duration(String flag, String text) {
    try {
      return parseDuration(text, flag);
    } catch (UsageException e) {
      problem(e.getMessage());
      return 0;
    }
  }

  /** The size in bytes, or {@code fallback} (after a problem) when it is not one. */
  int size(String flag, String text, int fallback) {
    try {
      return parseSize(text, flag);
    } catch (UsageException e) {
      problem(e.getMessage());
      return fallback;
    }
  }

  static long parseDuration(String text, String flag) {
    try {
      long n = Durations.parse(text).toNanos();
      if (n < 0) {
        throw new UsageException(flag + " " + text + " (expected: >= 0)");
      }
      return n;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UsageException(flag + " " + text + ": " + e.getMessage());
    }
  }

  /** go-humanize's ParseBytes: 4MB = 4,000,000; 4MiB = 4,194,304; plain numbers are bytes. */
  static int parseSize(String text, String flag) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new UsageException(flag + " " + text + ": expected a size such as 4MB or 64MiB");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    double base = unit.contains("i") ? 1024 : 1000;
    int power = unit.isEmpty() ? 0 : "bkmgt".indexOf(unit.charAt(0));
    double bytes = v * Math.pow(base, Math.max(0, power));
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new UsageException(flag + " " + text + ": expected 1 B .. 2 GiB");
    }
    return (int) bytes;
  }

  static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
