package io.infergate.infer.observability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsGoSyntax() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
    assertThat(Durations.parse("10µs")).isEqualTo(Duration.ofNanos(10_000));
    assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("-2s")).isEqualTo(Duration.ofSeconds(-2));
  }

  @Test
  void readsIso8601() {
    assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("PT0.25S")).isEqualTo(Duration.ofMillis(250));
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
