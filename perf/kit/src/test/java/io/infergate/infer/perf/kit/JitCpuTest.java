package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitCpuTest {

  // A real /proc/<pid>/task/<tid>/stat line of a C2 compiler thread: utime 19, stime 2.
  private static final String C2 =
      "4711 (C2 CompilerThre) S 1 4700 1 0 -1 1077936192 0 0 0 0 19 2 0 0 20 0 41 0 4459131"
          + " 3712266240 122370 18446744073709551615 1 1 0 0 0 0 4 0 16800975 0 0 0 -1 0 0 0 0 0"
          + " 0 0 0 0 0 0 0 0 0";

  @Test
  void knowsHotSpotsCompilerThreadsByTheirNames() {
    assertThat(JitCpu.isCompilerThread(C2)).isTrue();
    assertThat(JitCpu.isCompilerThread(C2.replace("C2 CompilerThre", "C1 CompilerThre"))).isTrue();
    assertThat(JitCpu.isCompilerThread(C2.replace("C2 CompilerThre", "VM Thread"))).isFalse();
    assertThat(JitCpu.isCompilerThread(C2.replace("C2 CompilerThre", "java"))).isFalse();
  }

  @Test
  void thisJvmHasCompiledSomethingByNow() {
    // JUnit and AssertJ alone make C1 compile hundreds of methods before a test runs.
    assertThat(JitCpu.ticks(ProcessHandle.current().pid())).isPositive();
  }

  @Test
  void shareIsCompilerSecondsOverWallSeconds() {
    assertThat(JitCpu.share(50, 5_000_000_000L)).isEqualTo(0.1);
  }
}
