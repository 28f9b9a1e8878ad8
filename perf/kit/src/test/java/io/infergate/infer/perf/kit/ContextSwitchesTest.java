package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContextSwitchesTest {

  private static final String STATUS =
      "Name:\tmodel-server-ca\nState:\tS (sleeping)\nCpus_allowed_list:\t0\n"
          + "voluntary_ctxt_switches:\t15873\nnonvoluntary_ctxt_switches:\t42\n";

  @Test
  void addsVoluntaryAndInvoluntarySwitches() {
    assertThat(ContextSwitches.parse(STATUS)).isEqualTo(15915);
  }

  @Test
  void rejectsAStatusWithoutTheCounts() {
    assertThatThrownBy(() -> ContextSwitches.parse("Name:\tjava\nvoluntary_ctxt_switches:\t1\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsThisProcess() {
    assertThat(ContextSwitches.self()).isPositive();
  }
}
