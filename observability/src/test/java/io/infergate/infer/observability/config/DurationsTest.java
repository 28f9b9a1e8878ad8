package io.infergate.infer.observability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
  /** Go's syntax, and ISO-8601 as {@link Duration#toString()} writes it; the expected, in ISO. */
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "250ms, PT0.25S",
    "10s, PT10S",
    "1h30m, PT1H30M",
    "1m30s, PT1M30S",
    "1.5s, PT1.5S",
    "10us, PT0.00001S",
    "10µs, PT0.00001S",
    "7ns, PT0.000000007S",
    "0, PT0S",
    "-2s, PT-2S",
    "PT1M30S, PT1M30S",
    "PT0.25S, PT0.25S"
  })
  void readsGoSyntaxAndIso8601(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @Test
  void rejectsWhatIsNotADurationNamingTheText() {
    for (String bad : new String[] {"", "10", "s", "10 s", "1x", "ten seconds", ".s", "PTX"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + bad + "\"");
    }
  }

  @Test
  void rejectsADurationTooLongForJavaInsteadOfOverflowing() {
    assertThatThrownBy(() -> Durations.parse("999999999999999999999999h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> Durations.parse("999999999999999999m"))
        .hasMessageContaining("too long");
    assertThat(Durations.parse("100000h")).isEqualTo(Duration.ofHours(100_000));
  }

  @Test
  void formatsAsGoDoes() {
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofNanos(1_500))).isEqualTo("1.5µs");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.formatNanos(-7)).isEqualTo("-7ns");
  }

  @Test
  void formatThenParseIsTheSameDuration() {
    for (long nanos :
        new long[] {1, 999, 1_000, 123_456_789, 3_600_000_000_001L, 86_400_000_000_000L}) {
      assertThat(Durations.parse(Durations.formatNanos(nanos))).isEqualTo(Duration.ofNanos(nanos));
    }
  }
}
