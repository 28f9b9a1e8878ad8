package io.infergate.infer.perf.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessStatusTest {

  // /proc/<pid>/status of an idle model server (digits v1 and v2 loaded, 256 MB pre-touched heap).
  private static final String MODEL_SERVER = text("proc-status-model-server.txt");

  @Test
  void readsResidentSetSizesAndThreadsOfARealServer() {
    ProcessStatus status = ProcessStatus.parse(MODEL_SERVER);

    assertThat(status).isEqualTo(new ProcessStatus(581_496, 363_272, 218_224, 25));
  }

  @Test
  void matchesWholeKeysSoVmRssIsNotTakenForRssAnonOrVmHwm() {
    String shuffled =
        "VmHWM:\t  999 kB\nRssFile:\t 3 kB\nRssAnon:\t 2 kB\nThreads:\t4\nVmRSS:\t 1 kB\n";

    assertThat(ProcessStatus.parse(shuffled)).isEqualTo(new ProcessStatus(1, 2, 3, 4));
  }

  @Test
  void rejectsTextWithoutTheFields() {
    assertThatThrownBy(() -> ProcessStatus.parse("Name:\tjava\nThreads:\t25\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VmRSS");
    assertThatThrownBy(
            () -> ProcessStatus.parse(MODEL_SERVER.replace("VmRSS:\t  581496", "VmRSS:\tx")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VmRSS");
  }

  @Test
  void readsThisProcess() {
    long pid = ProcessHandle.current().pid();

    assertThat(ProcessStatus.read(pid).rssKb()).isPositive();
    assertThat(ProcessStatus.read(pid).threads()).isPositive();
    assertThat(ProcessStatus.openFileDescriptors(pid)).isGreaterThanOrEqualTo(3);
  }

  private static String text(String resource) {
    try (InputStream in = ProcessStatusTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
