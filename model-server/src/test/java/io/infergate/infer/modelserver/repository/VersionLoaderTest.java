package io.infergate.infer.modelserver.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.config.BatchingConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionLoaderTest {
  @Test
  void warmsUpEveryBatchSizeABatcherRuns() {
    BatchingConfig batching =
        new BatchingConfig(true, 64, Duration.ofMillis(2), List.of(8, 32), 16);

    assertThat(VersionLoader.warmupBatchSizes(batching)).containsExactly(1, 8, 32, 64);
    assertThat(
            VersionLoader.warmupBatchSizes(
                new BatchingConfig(true, 1, Duration.ZERO, List.of(), 1)))
        .containsExactly(1);
  }
}
