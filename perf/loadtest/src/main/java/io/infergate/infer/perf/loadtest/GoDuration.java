package io.infergate.infer.perf.loadtest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax ({@code "20s"}, {@code "1m30s"}, {@code "250ms"}, {@code
 * "0"}), which ghz's duration flags and config files use, and its {@code String()} form.
 */
final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /** Nanoseconds in {@code text}; a bare number is taken as seconds only when it is 0. */
  static long parseNanos(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    Matcher m = PART.matcher(s);
    int at = 0;
    double total = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || m.group(1).equals(".")) {
        throw new IllegalArgumentException(
            "invalid duration \"" + text + "\" (expected: e.g. 500ms, 20s, 1m30s)");
      }
      total += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
      at = m.end();
    }
    long nanos = Math.round(total);
    return negative ? -nanos : nanos;
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

  /** Go's {@code Duration.String()}: {@code 1m30s}, {@code 250ms}, {@code 0s}. */
  static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < 1_000L) {
      return sign + u + "ns";
    }
    if (u < 1_000_000L) {
      return sign + trim(u / 1e3) + "µs";
    }
    if (u < 1_000_000_000L) {
      return sign + trim(u / 1e6) + "ms";
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
    b.append(trim(rest / 1e9)).append('s');
    return b.toString();
  }

  private static String trim(double v) {
    return new java.math.BigDecimal(v)
        .setScale(9, java.math.RoundingMode.HALF_EVEN)
        .stripTrailingZeros()
        .toPlainString();
  }
}
