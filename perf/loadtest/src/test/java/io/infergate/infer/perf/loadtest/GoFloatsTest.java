package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoFloatsTest {
  /** Expected strings are what Go prints (json.Marshal, strconv.FormatFloat(v, 'g', -1, 64)). */
  @ParameterizedTest(name = "{0}({1}) = {2}")
  @CsvSource({
    // JDK 17's Double.toString gives 8.409999999999999E21 and 2.0E-3-style non-shortest forms
    "json, 8.41e21, 8.41e+21",
    "json, 8.41e20, 841000000000000000000",
    "json, 1e21, 1e+21",
    "json, 1e-6, 0.000001",
    "json, 1e-7, 1e-7",
    "json, 1.5e-10, 1.5e-10",
    "json, 1e-100, 1e-100",
    "json, 5e-324, 5e-324",
    "json, 1e-323, 1e-323",
    "json, 1.7976931348623157e308, 1.7976931348623157e+308",
    "json, 0.1, 0.1",
    "json, 0.30000000000000004, 0.30000000000000004",
    "json, 2e-3, 0.002",
    "json, 1e23, 1e+23",
    "json, 123456789.125, 123456789.125",
    "json, -0.0, -0",
    "json, -1.5e-9, -1.5e-9",
    "g, 8.41e21, 8.41e+21",
    "g, 1e6, 1e+06",
    "g, 999999, 999999",
    "g, 1234567, 1.234567e+06",
    "g, 0.0001, 0.0001",
    "g, 0.00001, 1e-05",
    "g, 608863452348.1149, 6.088634523481149e+11",
    "g, 5e-324, 5e-324",
    "g, 1e100, 1e+100",
    "g, 0, 0",
    "g, -0.0, -0",
    "g, 20, 20"
  })
  void printsWhatGoPrints(String format, double value, String go) {
    assertThat(format.equals("json") ? GoFloats.json(value) : GoFloats.g(value)).isEqualTo(go);
  }

  @Test
  void printsGoSpellingsOfInfinityAndNaN() {
    assertThat(GoFloats.g(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(GoFloats.g(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(GoFloats.g(Double.NaN)).isEqualTo("NaN");
  }

  /** Over random bit patterns: reads back exactly, and no decimal with fewer digits would. */
  @Test
  void digitsAreTheShortestThatReadBack() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 50_000; i++) {
      double v = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      GoFloats.Decimal d = GoFloats.Decimal.shortest(v);
      String json = GoFloats.json(v);
      assertThat(Double.parseDouble(json)).as(json).isEqualTo(v);
      assertThat(Double.parseDouble(GoFloats.g(v))).isEqualTo(v);
      if (v != 0 && d.digits().length() > 1) {
        assertThat(roundTripsWith(Math.abs(v), d.digits().length() - 1))
            .as("%s has a shorter form than %s", v, d.digits())
            .isFalse();
      }
    }
  }

  /** Whether some decimal with {@code n} significant digits reads back as {@code v}. */
  private static boolean roundTripsWith(double v, int n) {
    BigDecimal exact = new BigDecimal(v);
    for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
      if (exact.round(new MathContext(n, mode)).doubleValue() == v) {
        return true;
      }
    }
    return false;
  }
}
