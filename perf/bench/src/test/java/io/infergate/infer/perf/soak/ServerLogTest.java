package io.infergate.infer.perf.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerLogTest {

  @Test
  void countsLoadsAndUnloadsOfARealSoak() {
    // The first thirteen lines of a 2-minute soak's server log (TensorFlow's own lines dropped):
    // version 1 at start, then versions 2, 3, 4 each loaded with the previous one unloaded.
    List<String> lines = Fixtures.text("model-server-swaps.log").lines().toList();

    ServerLog log = ServerLog.parse(lines);

    assertThat(log).isEqualTo(new ServerLog(4, 3, List.of()));
  }

  @Test
  void keepsWarningsAndErrorsButNotTensorFlowsStartupNotice() {
    List<String> lines =
        List.of(
            "WARNING: All log messages before absl::InitializeLog() is called are written to"
                + " STDERR",
            "[model-server-shutdown] WARN io.infergate.infer.modelserver.ModelServer - In-flight"
                + " calls still running after PT10S; cancelling them",
            "[model-repository] ERROR io.infergate.infer.modelserver.repository.ModelRepository -"
                + " Model digits version 7 failed to load; still serving versions [6]: bad",
            "java.lang.IllegalStateException: boom",
            "2026-12-06 19:03:02.440 WARN  [model-server-shutdown] i.i.i.modelserver.ModelServer"
                + " - Worker threads still busy after shutdown",
            "2026-12-06 19:03:02.441 ERROR [model-repository] i.i.i.m.repository.ModelRepository"
                + " - Scanning model digits failed; trying again next poll",
            "2026-12-06 19:03:02.442 INFO  [main] i.i.i.modelserver.ModelServer - WARN ERROR in a"
                + " message are not levels");

    ServerLog log = ServerLog.parse(lines);

    assertThat(log.warnings())
        .containsExactly(lines.get(1), lines.get(2), lines.get(3), lines.get(4), lines.get(5));
    assertThat(log.loaded()).isZero();
  }
}
