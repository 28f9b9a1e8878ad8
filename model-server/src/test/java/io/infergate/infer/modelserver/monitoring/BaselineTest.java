package io.infergate.infer.modelserver.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.baseline.Baseline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {
  @TempDir Path temp;

  @Test
  void readsWhatTheDigitsTrainerWrote() throws Exception {
    Baseline baseline =
        Baseline.read(TestRepository.shared().resolve("digits/2").resolve(Baseline.PATH));

    assertThat(baseline.input()).isEqualTo("pixels");
    assertThat(baseline.features()).hasSize(64);
    assertThat(baseline.features().get(0).binCounts())
        .hasSize(baseline.features().get(0).binEdges().length + 1);
    assertThat(baseline.predictions().output()).isEqualTo("classes");
    assertThat(baseline.predictions().classCounts()).hasSize(10);
  }

  @Test
  void reportsEveryBadKeyWithTheFile() throws Exception {
    Path file = temp.resolve("baseline.json");
    Files.writeString(
        file,
        """
        {"format": "infergate-baseline/1", "input": "x", "rows": 3,
         "features": [{"name": "a", "min": 2, "max": 1, "binEdges": [1, 0.5], "binCounts": [1, 2]}],
         "predictions": {"output": "", "rows": 1, "classCounts": []}}
        """);

    assertThatThrownBy(() -> Baseline.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            file
                + ": features[0].min: 2.0 (expected: <= max 1.0); features[0].binEdges: [1.0, 0.5]"
                + " (expected: ascending); features[0].binCounts: 2 counts (expected: 3, one more"
                + " than the edges); predictions.output: missing (expected: the signature output's"
                + " name); predictions.classCounts: [] (expected: a count >= 0 per class, some)");
  }

  @Test
  void refusesUnknownKeysAndOtherFormats() throws Exception {
    Path file = temp.resolve("baseline.json");
    Files.writeString(file, "{\"format\": \"x\", \"input\": \"x\", \"rows\": 1, \"colour\": 1}");

    assertThatThrownBy(() -> Baseline.read(file))
        .hasMessageStartingWith(file + ": Unrecognized field \"colour\"");
  }

  @Test
  void monitoringConfigNamesTheKeyOfABadWindow() {
    assertThatThrownBy(
            () ->
                new MonitoringConfig(
                    null, 1.5, Duration.ofSeconds(25), Duration.ofSeconds(10), 0, 0, null))
        .hasMessage(
            "flagThreshold: 1.5 (expected: a share in 0..1, below 1)\n"
                + "driftMinRows: 0 (expected: an integer in 1..2147483647)\n"
                + "driftRowsPerBucket: 0 (expected: an integer in 1..2147483647)\n"
                + "driftWindow: 25s (expected: 1..360 whole driftBuckets of 10s)");
  }
}
