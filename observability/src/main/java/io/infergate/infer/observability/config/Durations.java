package io.infergate.infer.observability.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every file, flag and environment variable of ours: Go's ({@code
 * 250ms}, {@code 10s}, {@code 1h30m}, {@code 1.5s}, {@code 10us}, {@code 0}), which ghz and
 * Kubernetes users already write, or ISO-8601 ({@code PT1M30S}).
 */
public final class Durations {
  private static final Pattern PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final String EXPECTED = "expected: e.g. 250ms, 10s, 1h30m or PT1M30S";

  private Durations() {}

  /**
   * The duration {@code text} names.
   *
   * @throws IllegalArgumentException naming the text and the syntax, when it is not a duration or
   *     is too long for {@link Duration}
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.startsWith("P") || s.startsWith("-P") || s.startsWith("p")) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException | ArithmeticException e) {
        throw invalid(text);
      }
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw invalid(text);
      }
      nanos =
          nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
      at = m.end();
    }
    if (at == 0) {
      throw invalid(text);
    }
    BigDecimal[] secondsAndNanos =
        nanos.setScale(0, RoundingMode.HALF_EVEN).divideAndRemainder(NANOS_PER_SECOND);
    try {
      Duration d =
          Duration.ofSeconds(
              secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
      return negative ? d.negated() : d;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("\"" + text + "\" is too long a duration", e);
    }
  }

  /** Go's {@code Duration.String()}: {@code 1h30m0s}, {@code 250ms}, {@code 10µs}, {@code 0s}. */
  public static String format(Duration duration) {
    return formatNanos(duration.toNanos());
  }

  /** {@link #format(Duration)} for a count of nanoseconds. */
  public static String formatNanos(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < 1_000L) {
      return sign + u + "ns";
    }
    if (u < 1_000_000L) {
      return sign + decimal(u, 3) + "µs";
    }
    if (u < 1_000_000_000L) {
      return sign + decimal(u, 6) + "ms";
    }
    StringBuilder b = new StringBuilder(sign);
    long h = u / 3_600_000_000_000L;
    long rest = u % 3_600_000_000_000L;
    long min = rest / 60_000_000_000L;
    rest %= 60_000_000_000L;
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || min > 0) {
      b.append(min).append('m');
    }
    return b.append(decimal(rest, 9)).append('s').toString();
  }

  private static String decimal(long value, int scale) {
    return BigDecimal.valueOf(value, scale).stripTrailingZeros().toPlainString();
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "µs":
      case "μs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      default:
        return 3_600_000_000_000L;
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("\"" + text + "\" is not a duration (" + EXPECTED + ")");
  }
}
