package io.infergate.infer.observability.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationFlagConverterTest {
  private final DurationFlagConverter converter = new DurationFlagConverter();

  @Test
  void readsGoAndIsoDurations() {
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(converter.convert("PT20S")).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void rejectsWhatIsNotADurationAsPicocliExpects() {
    assertThatThrownBy(() -> converter.convert("ten"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("\"ten\" is not a duration");
  }
}
