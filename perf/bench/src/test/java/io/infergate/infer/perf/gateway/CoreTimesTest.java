package io.infergate.infer.perf.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoreTimesTest {
  @Test
  void busyIsEverythingButIdleAndIowait() {
    List<CoreTimes.Core> cores =
        CoreTimes.parse(
            List.of(
                "cpu  174199 0 25360 291475 836 0 1392 1826 0 0",
                "cpu0 100 1 20 800 40 2 3 4 50 0",
                "cpu1 10 0 10 80 0 0 0 0 0 0",
                "intr 123 4 5"));

    assertThat(cores).hasSize(2);
    assertThat(cores.get(0).cpu()).isZero();
    assertThat(cores.get(0).totalTicks()).isEqualTo(970);
    assertThat(cores.get(0).busyTicks()).isEqualTo(130);
    assertThat(cores.get(0).stealTicks()).isEqualTo(4);
  }

  @Test
  void busyPercentIsPerCore() {
    List<CoreTimes.Core> before =
        List.of(new CoreTimes.Core(0, 100, 0, 1_000), new CoreTimes.Core(1, 0, 0, 1_000));
    List<CoreTimes.Core> after =
        List.of(new CoreTimes.Core(0, 1_050, 0, 2_000), new CoreTimes.Core(1, 250, 0, 2_000));

    assertThat(CoreTimes.busyPercent(before, after)).isEqualTo("95/25");
  }
}
