package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;

/**
 * Floats written as Go writes them, so that reports match ghz's byte for byte: the shortest decimal
 * that reads back as the same double (Go's {@code strconv.FormatFloat(f, fmt, -1, 64)}), laid out
 * by Go's rules for {@code encoding/json} and for {@code 'g'} (also fmt's {@code %v}).
 *
 * <p>JDK 17's {@link Double#toString} is not shortest ({@code 8.41e21} prints {@code
 * 8.409999999999999E21}; fixed in JDK 19), so the digits come from Jackson's Schubfach instead.
 * Schubfach follows JDK 19's spec, which prefers a closer two-digit decimal to a one-digit one
 * ({@code 4.9E-324}); Go keeps the one digit ({@code 5e-324}), so that case is redone here.
 */
final class GoFloats {
  private GoFloats() {}

  /** Go's {@code encoding/json} for a float64: 'f' for 1e-6 <= |v| < 1e21, else 'e' (e-7). */
  static String json(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("json: unsupported value: " + v);
    }
    Decimal d = Decimal.shortest(v);
    double abs = Math.abs(v);
    if (abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
      return d.fixed();
    }
    String e = d.exponential();
    int n = e.length();
    // encoding/json's floatEncoder cleans e-09 to e-9 (and leaves e+21 alone).
    if (n >= 4 && e.charAt(n - 4) == 'e' && e.charAt(n - 3) == '-' && e.charAt(n - 2) == '0') {
      return e.substring(0, n - 2) + e.charAt(n - 1);
    }
    return e;
  }

  /**
   * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, which fmt's {@code %v} and Prometheus' text
   * format use: 'e' when the exponent is below -4 or at least 6 ({@code 1e+06}), else 'f'.
   */
  static String g(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    Decimal d = Decimal.shortest(v);
    int exp = d.point - 1;
    if (v != 0 && (exp < -4 || exp >= 6)) {
      return d.exponential();
    }
    return d.fixed();
  }

  /**
   * A finite double as Go's strconv holds it: {@code 0.digits × 10^point}.
   *
   * @param digits significant digits without leading or trailing zeros ("" for zero)
   * @param point where the decimal point goes, counted from the first digit
   */
  record Decimal(boolean negative, String digits, int point) {
    static Decimal shortest(double v) {
      boolean negative = Double.doubleToRawLongBits(v) < 0; // -0 too, as Go prints it
      double abs = Math.abs(v);
      if (abs == 0) {
        return new Decimal(negative, "", 0);
      }
      Decimal d = parse(negative, NumberOutput.toString(abs, true));
      return d.digits.length() == 2 ? d.oneDigitIfItRoundTrips(abs) : d;
    }

    /** Reads Java's {@code 1.2345E-7} / {@code 0.001} / {@code 123.0} forms. */
    private static Decimal parse(boolean negative, String java) {
      int e = java.indexOf('E');
      String mantissa = e < 0 ? java : java.substring(0, e);
      int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
      int dot = mantissa.indexOf('.');
      String whole = dot < 0 ? mantissa : mantissa.substring(0, dot);
      String all = dot < 0 ? mantissa : whole + mantissa.substring(dot + 1);
      int point = whole.length() + exponent;
      int start = 0;
      while (start < all.length() - 1 && all.charAt(start) == '0') {
        start++;
        point--;
      }
      int end = all.length();
      while (end > start + 1 && all.charAt(end - 1) == '0') {
        end--;
      }
      return new Decimal(negative, all.substring(start, end), point);
    }

    /** Go's shortest output when a one-digit decimal reads back as {@code abs} too. */
    private Decimal oneDigitIfItRoundTrips(double abs) {
      int first = digits.charAt(0) - '0';
      Decimal down = new Decimal(negative, Integer.toString(first), point);
      Decimal up =
          first == 9
              ? new Decimal(negative, "1", point + 1)
              : new Decimal(negative, Integer.toString(first + 1), point);
      boolean downFits = down.value() == abs;
      boolean upFits = up.value() == abs;
      if (downFits && upFits) {
        BigDecimal exact = new BigDecimal(abs);
        BigDecimal toDown = exact.subtract(down.exact()).abs();
        BigDecimal toUp = up.exact().subtract(exact).abs();
        return toUp.compareTo(toDown) < 0 ? up : down;
      }
      return downFits ? down : upFits ? up : this;
    }

    private BigDecimal exact() {
      return new BigDecimal("0." + digits + "E" + point);
    }

    private double value() {
      return Double.parseDouble("0." + digits + "E" + point);
    }

    /** A builder holding the sign (Go prints -0 too), with room for the digits and the layout. */
    private StringBuilder signed() {
      StringBuilder b = new StringBuilder(digits.length() + 8);
      return negative ? b.append('-') : b;
    }

    /** Go's %f with the shortest precision: {@code 0.0001}, {@code 123}, {@code 1.5}. */
    String fixed() {
      StringBuilder b = signed();
      if (digits.isEmpty()) {
        return b.append('0').toString();
      }
      if (point <= 0) {
        b.append("0.");
        b.append("0".repeat(-point));
        return b.append(digits).toString();
      }
      if (point >= digits.length()) {
        b.append(digits);
        return b.append("0".repeat(point - digits.length())).toString();
      }
      return b.append(digits, 0, point)
          .append('.')
          .append(digits, point, digits.length())
          .toString();
    }

    /** Go's %e with the shortest precision: {@code 1.5e+09}, {@code 1e-07}, {@code 8.41e+21}. */
    String exponential() {
      StringBuilder b = signed();
      if (digits.isEmpty()) {
        return b.append("0e+00").toString();
      }
      b.append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      int exp = point - 1;
      b.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        b.append('0');
      }
      return b.append(a).toString();
    }
  }
}
