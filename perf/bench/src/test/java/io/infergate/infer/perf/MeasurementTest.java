package io.infergate.infer.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class MeasurementTest {

  @Test
  void summarisesAHistogramOfMicros() {
    Histogram micros = new Histogram(3);
    for (int i = 1; i <= 1000; i++) {
      micros.recordValue(i); // 1 µs .. 1000 µs
    }

    Measurement m = Measurement.of(micros, 2_000_000_000L, 0.5, 3000);

    assertThat(m.calls()).isEqualTo(1000);
    assertThat(m.seconds()).isEqualTo(2.0);
    assertThat(m.throughput()).isEqualTo(500.0);
    assertThat(m.p50Us()).isBetween(499.0, 501.0);
    assertThat(m.p99Us()).isBetween(989.0, 991.0);
    assertThat(m.maxUs()).isBetween(999.0, 1001.0);
    assertThat(m.cpuMicrosPerCall()).isEqualTo(500.0);
    assertThat(m.cpuBusy()).isEqualTo(0.25);
    assertThat(m.contextSwitchesPerCall()).isEqualTo(3.0);
  }

  @Test
  void jsonRoundTrips() {
    Measurement m = new Measurement(158740, 10.001, 49.1, 90.2, 135.3, 289.4, 5616.5, 9.95, 285732);

    String json = m.toJson();

    assertThat(json).doesNotContain("\n").contains("\"cpuUsPerCall\":62.68");
    assertThat(Measurement.fromJson(json)).isEqualTo(m);
  }

  @Test
  void fromJsonIgnoresUnknownKeysAndNamesAMissingOne() {
    String json =
        "{\"calls\":10,\"extra\":1e3,\"seconds\":1.000,\"p50Us\":1,\"p90Us\":2,\"p99Us\":3,"
            + "\"p999Us\":4,\"maxUs\":5,\"cpuSeconds\":0.5,\"contextSwitches\":20}";

    assertThat(Measurement.fromJson(json))
        .isEqualTo(new Measurement(10, 1.0, 1, 2, 3, 4, 5, 0.5, 20));
    assertThatThrownBy(() -> Measurement.fromJson(json.replace("\"maxUs\":5,", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no numeric 'maxUs' in: ");
  }
}
