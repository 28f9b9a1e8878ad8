package io.infergate.infer.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.infergate.infer.proto.admin.v1.Gates;
import org.junit.jupiter.api.Test;

class RequestedGatesTest {
  @Test
  void unsetAndZeroFieldsTakeTheDefaults() {
    Gates zeros =
        Gates.newBuilder()
            .setMinLatencyIncrease(Duration.getDefaultInstance())
            .setWindow(Duration.getDefaultInstance())
            .build();

    assertThat(RequestedGates.from(Gates.getDefaultInstance()))
        .isEqualTo(io.infergate.infer.router.release.Gates.DEFAULT);
    assertThat(RequestedGates.from(zeros))
        .isEqualTo(io.infergate.infer.router.release.Gates.DEFAULT);
  }

  @Test
  void fieldsSetAreKeptAndBadOnesNamedWithTheirWireNames() {
    Gates longest = Gates.newBuilder().setWindow(seconds(30)).setMaxP99Ratio(3).build();
    assertThat(RequestedGates.from(longest).window()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(RequestedGates.from(longest).maxP99Ratio()).isEqualTo(3);

    Gates bad =
        Gates.newBuilder()
            .setMaxFailureRateIncrease(1.5)
            .setMaxP50Ratio(0.5)
            .setMaxP99Ratio(0.5)
            .setMinCalls(1_000_001)
            .setWindow(seconds(31))
            .setBreachesToRollBack(61)
            .build();
    assertThatThrownBy(() -> RequestedGates.from(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gates.max_failure_rate_increase: 1.5")
        .hasMessageContaining("gates.max_p50_ratio: 0.5")
        .hasMessageContaining("gates.max_p99_ratio: 0.5")
        .hasMessageContaining("gates.breaches_to_roll_back: 61")
        .hasMessageContaining("gates.min_calls: 1000001")
        .hasMessageContaining("gates.window: PT31S");
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
