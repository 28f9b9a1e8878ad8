package io.infergate.infer.modelserver.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.modelserver.backend.ModelLoadException;
import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.config.TensorFlowConfig;
import io.infergate.infer.modelserver.telemetry.ModelServerTelemetry;
import io.infergate.infer.modelserver.testing.ScratchRepository;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.baseline.Baseline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version's baseline is loaded with it: watched with one, unwatched without, refused if bad. */
class VersionMonitorLoadTest {
  @TempDir Path temp;

  @Test
  void aVersionWithItsBaselineIsWatchedAndOneWithoutIsNot() throws Exception {
    Path withBaseline = copyOfDigits2("with");
    Path without = copyOfDigits2("without");
    Files.delete(without.resolve(Baseline.PATH));

    assertThat(load(withBaseline, MonitoringConfig.DEFAULT).monitor().on()).isTrue();
    assertThat(load(without, MonitoringConfig.DEFAULT).monitor().on()).isFalse();
    assertThat(
            load(withBaseline, new MonitoringConfig(false, null, null, null, null, null, null))
                .monitor()
                .on())
        .isFalse();
  }

  @Test
  void aBaselineThatDoesNotFitTheSignatureFailsTheLoadNamingTheFileAndKey() throws Exception {
    Path version = copyOfDigits2("bad");
    Path file = version.resolve(Baseline.PATH);
    Files.writeString(
        file, Files.readString(file).replace("\"input\" : \"pixels\"", "\"input\" : \"image\""));

    assertThatThrownBy(() -> load(version, MonitoringConfig.DEFAULT))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(file + ": input: image (expected: an input of the signature: [pixels])");
  }

  private static ServedVersion load(Path dir, MonitoringConfig monitoring) {
    VersionLoader loader =
        new VersionLoader(
            TensorFlowConfig.DEFAULT,
            BatchingConfig.DISABLED,
            0,
            (versionDir, model) -> List.of(),
            Runnable::run,
            Runnable::run,
            ModelServerTelemetry.noop(),
            monitoring);
    ServedVersion version = loader.load("digits", 2, dir);
    version.retire(); // closes it: the test only looks at what was built
    return version;
  }

  private Path copyOfDigits2(String name) throws Exception {
    Path from = TestRepository.shared().resolve("digits/2");
    Path to = temp.resolve(name);
    ScratchRepository.copyTree(from, to);
    return to;
  }
}
