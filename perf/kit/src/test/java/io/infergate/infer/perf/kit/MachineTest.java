package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineTest {

  @Test
  void takesTheFirstModelNameFromCpuinfo() {
    String cpuinfo =
        "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\nmodel name\t: AMD EPYC 7B13\n\n"
            + "processor\t: 1\nmodel name\t: Other\n";

    assertThat(Machine.cpuModel(cpuinfo)).isEqualTo("AMD EPYC 7B13");
    assertThat(Machine.cpuModel("processor\t: 0\n")).isEqualTo(Machine.UNKNOWN);
  }

  @Test
  void readsAStatusField() {
    String status = "Name:\tjava\nCpus_allowed:\t2\nCpus_allowed_list:\t1\n";

    assertThat(Machine.statusField(status, "Cpus_allowed_list")).isEqualTo("1");
  }

  @Test
  void pinsWithTasksetOnlyWithTwoCpusAndTaskset() {
    List<String> command = List.of("java", "Main");

    assertThat(new Machine(2, "cpu", "jvm", "1", true).onCpu(0, command))
        .containsExactly("taskset", "-c", "0", "java", "Main");
    assertThat(new Machine(1, "cpu", "jvm", "0", true).onCpu(0, command)).isEqualTo(command);
    assertThat(new Machine(2, "cpu", "jvm", "0-1", false).onCpu(0, command)).isEqualTo(command);
  }
}
