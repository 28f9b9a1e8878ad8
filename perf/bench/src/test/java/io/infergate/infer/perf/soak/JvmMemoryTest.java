package io.infergate.infer.perf.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JvmMemoryTest {

  @Test
  void readsNmtTotalAndG1HeapFromAModelServer() {
    // jcmd <pid> -f (VM.native_memory summary, GC.heap_info) on an idle model server: NMT
    // "Total: reserved=1717548KB, committed=353464KB"; "garbage-first heap total 262144K, used
    // 69282K"; metaspace's "used 15724K" is not heap.
    JvmMemory memory = JvmMemory.parse(Fixtures.text("jcmd-nmt-heap-g1.txt"));

    assertThat(memory).isEqualTo(new JvmMemory(353_464, 69_282));
  }

  @Test
  void addsTheGenerationsOfAGenerationalCollector() {
    // Serial GC: "def new generation total 116160K, used 20659K" and "tenured generation total
    // 258048K, used 0K"; the eden/from/to lines ("20% used") are parts of the first.
    JvmMemory memory = JvmMemory.parse(Fixtures.text("jcmd-nmt-heap-serial.txt"));

    assertThat(memory).isEqualTo(new JvmMemory(422_929, 20_659));
  }

  @Test
  void saysSoWhenNativeMemoryTrackingIsOff() {
    String off =
        "4242:\nNative memory tracking is not enabled\n"
            + " garbage-first heap   total 262144K, used 69282K [0x00000000f0000000,"
            + " 0x0000000100000000)\n";

    assertThatThrownBy(() -> JvmMemory.parse(off))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NativeMemoryTracking");
  }

  @Test
  void rejectsOutputWithoutTheHeap() {
    String nmtOnly = "4242:\n\nNative Memory Tracking:\n\nTotal: reserved=10KB, committed=5KB\n";

    assertThatThrownBy(() -> JvmMemory.parse(nmtOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GC.heap_info");
  }
}
