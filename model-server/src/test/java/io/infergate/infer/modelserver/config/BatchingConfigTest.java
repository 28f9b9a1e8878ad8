package io.infergate.infer.modelserver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchingConfigTest {

  @Test
  void theDefaultsAreOffWith64Rows2msAndAQueueOf1024() {
    assertThat(BatchingConfig.DISABLED)
        .isEqualTo(new BatchingConfig(false, 64, Duration.ofMillis(2), List.of(), 1024));
  }

  @Test
  void valuesOutsideTheirRangesAreRefusedByName() {
    Duration delay = Duration.ofMillis(2);
    assertThatThrownBy(() -> new BatchingConfig(true, 0, delay, List.of(), 1))
        .hasMessage("maxBatchSize: 0 (expected: an integer in 1..65536)");
    assertThatThrownBy(() -> new BatchingConfig(true, 8, Duration.ofMillis(-1), List.of(), 1))
        .hasMessage("maxQueueDelay: -1ms (expected: a duration in 0s..1m0s)");
    assertThatThrownBy(() -> new BatchingConfig(true, 8, delay, List.of(), 0))
        .hasMessage("queueCapacity: 0 (expected: an integer in 1..1000000)");
    assertThatThrownBy(() -> new BatchingConfig(true, 8, delay, List.of(4, 2), 1))
        .hasMessage(
            "preferredBatchSizes: [4, 2] (expected: ascending integers in 1..8, the maxBatchSize)");
    assertThatThrownBy(() -> new BatchingConfig(true, 8, delay, List.of(16), 1))
        .hasMessage(
            "preferredBatchSizes: [16] (expected: ascending integers in 1..8, the maxBatchSize)");
  }
}
