package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuListsTest {

  @Test
  void countsSingleCpusAndRanges() {
    assertThat(CpuLists.count("0-1\n")).isEqualTo(2);
    assertThat(CpuLists.count("1")).isEqualTo(1);
    assertThat(CpuLists.count("0,2-5,7")).isEqualTo(6);
  }

  @Test
  void rejectsWhatIsNotACpuList() {
    assertThatThrownBy(() -> CpuLists.count("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuLists.count("3-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuLists.count("a-b")).isInstanceOf(IllegalArgumentException.class);
  }
}
