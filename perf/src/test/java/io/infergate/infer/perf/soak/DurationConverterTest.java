package io.infergate.infer.perf.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsTheServerConfigSpelling() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void readsIso8601AsTheOtherBenchesDo() {
    assertThat(converter.convert("PT20S")).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void namesTheAcceptedSpellingsWhenItCannotRead() {
    assertThatThrownBy(() -> converter.convert("20 seconds"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("500ms, 20s, 2m or PT20S");
  }

  @Test
  void formatsAsShortAsItReads() {
    assertThat(DurationConverter.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(DurationConverter.format(Duration.ofSeconds(20))).isEqualTo("20s");
    assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationConverter.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(DurationConverter.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(DurationConverter.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
  }
}
