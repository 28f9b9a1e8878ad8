package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parseNanos("0")).isZero();
    assertThat(GoDuration.parseNanos("20s")).isEqualTo(20_000_000_000L);
    assertThat(GoDuration.parseNanos("1m30s")).isEqualTo(90_000_000_000L);
    assertThat(GoDuration.parseNanos("250ms")).isEqualTo(250_000_000L);
    assertThat(GoDuration.parseNanos("1.5h")).isEqualTo(5_400_000_000_000L);
    assertThat(GoDuration.parseNanos("10us")).isEqualTo(10_000L);
    assertThat(GoDuration.parseNanos("10µs")).isEqualTo(10_000L);
    assertThat(GoDuration.parseNanos("7ns")).isEqualTo(7L);
  }

  @Test
  void rejectsWhatGoRejects() {
    assertThatThrownBy(() -> GoDuration.parseNanos("10")).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> GoDuration.parseNanos("ten")).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> GoDuration.parseNanos("1x")).hasMessageContaining("invalid duration");
  }

  @Test
  void formatsAsGoDurationString() {
    assertThat(GoDuration.format(0)).isEqualTo("0s");
    assertThat(GoDuration.format(1_000_000_000L)).isEqualTo("1s");
    assertThat(GoDuration.format(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(GoDuration.format(250_000_000L)).isEqualTo("250ms");
    assertThat(GoDuration.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
  }
}
