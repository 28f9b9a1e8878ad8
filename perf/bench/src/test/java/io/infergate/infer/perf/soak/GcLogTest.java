package io.infergate.infer.perf.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {

  @Test
  void takesTheHeapAfterTheNewestPauseAndCountsYoungAndFull() {
    // Real -Xlog:gc lines of G1 (one allocating program, 64 MB heap): eight young pauses, one
    // "Pause Full (System.gc()) 14M->5M(64M)", and last "Pause Young ... 43M->5M(64M)".
    GcLog log = GcLog.parse(Fixtures.text("gc-g1.log"));

    assertThat(log).isEqualTo(new GcLog("G1", 5 * 1024, 8, 1));
  }

  @Test
  void readsTheSerialCollectorOfAServerPinnedToOneCpu() {
    // The soak's model server under taskset -c 0: the JVM sees one CPU and picks Serial.
    String log =
        "[0.014s][info][gc] Using Serial\n"
            + "[1.680s][info][gc] GC(0) Pause Young (Allocation Failure) 68M->5M(247M) 13.496ms\n"
            + "[3.700s][info][gc] GC(1) Pause Full (Metadata GC Threshold) 50M->7M(247M) 29.039ms\n"
            + "[10.198s][info][gc] GC(2) Pause Young (Allocation Failure) 75M->7M(247M) 18.216ms\n";

    assertThat(GcLog.parse(log)).isEqualTo(new GcLog("Serial", 7 * 1024, 2, 1));
  }

  @Test
  void ignoresRemarkAndCleanupWhichFreeNothing() {
    String log =
        "[9.1s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->8M(256M) 3.4ms\n"
            + "[9.2s][info][gc] GC(8) Pause Remark 30M->30M(256M) 1.2ms\n"
            + "[9.3s][info][gc] GC(8) Pause Cleanup 31M->31M(256M) 0.1ms\n";

    assertThat(GcLog.parse(log)).isEqualTo(new GcLog("unknown", 8 * 1024, 1, 0));
  }

  @Test
  void readsKilobytesAndGigabytes() {
    assertThat(GcLog.parse("GC(1) Pause Young (Normal) (G1 Evacuation Pause) 900K->512K(2G)"))
        .isEqualTo(new GcLog("unknown", 512, 1, 0));
    assertThat(GcLog.parse("GC(2) Pause Full (Allocation Failure) 3G->1G(4G) 800ms"))
        .isEqualTo(new GcLog("unknown", 1024 * 1024, 0, 1));
  }

  @Test
  void hasNoHeapFigureBeforeTheFirstPause(@TempDir Path temp) throws IOException {
    assertThat(GcLog.parse("[0.005s][info][gc] Using G1\n")).isEqualTo(new GcLog("G1", -1, 0, 0));
    assertThat(GcLog.read(temp.resolve("not-yet-written.log")))
        .isEqualTo(new GcLog("unknown", -1, 0, 0));
  }
}
