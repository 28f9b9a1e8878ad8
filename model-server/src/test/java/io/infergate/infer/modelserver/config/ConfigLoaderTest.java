package io.infergate.infer.modelserver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void flagsOverrideTheFileWhichOverridesDefaults() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file, "port: 9000\nworkerThreads: 3\nshutdownGrace: 250ms\nmodels: " + dir + "\n");

    ConfigLoader loader = new ConfigLoader().file(file).flag("port", 9100);
    ModelServerConfig config = loader.load();

    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.workerThreads()).isEqualTo(3);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.models()).isEqualTo(dir);
    assertThat(loader.describe())
        .contains("port=9100 (flag)", "workerThreads=3 (file)", "host=0.0.0.0 (default)");
  }

  @Test
  void everyBadKeyIsReportedByName() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(file, "prot: 1\nport: 70000\nshutdownGrace: soon\nworkerThreads: 0\n");

    assertThatThrownBy(() -> new ConfigLoader().file(file).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("prot: unknown key in " + file)
        .hasMessageContaining("port: 70000 (expected: an integer in 0..65535)")
        .hasMessageContaining("shutdownGrace: soon (expected: a duration >= 0")
        .hasMessageContaining("workerThreads: 0 (expected: an integer in 1..1024)")
        .hasMessageContaining("models: missing");
  }

  @Test
  void repositoryAndTensorFlowSectionsAreReadAndChecked() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        "models: "
            + dir
            + "\nrepository:\n  pollInterval: 250ms\n  warmupRuns: 0\n"
            + "tensorflow:\n  intraOpThreads: 4\n  gpuMemoryFraction: 0.5\n"
            + "  gpuVisibleDevices: 0,1\n  gpuAllowGrowth: false\n");

    ModelServerConfig config = new ConfigLoader().file(file).load();

    assertThat(config.repository()).isEqualTo(new RepositoryConfig(Duration.ofMillis(250), 0));
    assertThat(config.tensorFlow()).isEqualTo(new TensorFlowConfig(-1, 4, false, 0.5, "0,1"));

    Files.writeString(
        file,
        "models: "
            + dir
            + "\nrepository:\n  pollInterval: often\n  watch: true\n"
            + "tensorflow:\n  gpuMemoryFraction: 2\n  gpuVisibleDevices: all\n");
    assertThatThrownBy(() -> new ConfigLoader().file(file).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("repository.pollInterval: often (expected: a duration >= 0")
        .hasMessageContaining("repository.watch: unknown key in " + file)
        .hasMessageContaining("tensorflow.gpuMemoryFraction: 2 (expected: a number in 0..1)")
        .hasMessageContaining(
            "tensorflow.gpuVisibleDevices: all (expected: CUDA device indexes such as 0 or 0,1)");
  }

  @Test
  void aModelsDirectoryThatDoesNotExistIsRefused() {
    assertThatThrownBy(
            () -> new ConfigLoader().flag("models", dir.resolve("absent")).flag("port", 0).load())
        .hasMessageContaining(
            "models: " + dir.resolve("absent") + " (expected: an existing directory)");
  }

  @Test
  void aFileThatIsNotAMappingIsRefused() throws Exception {
    Path file = dir.resolve("list.yaml");
    Files.writeString(file, "- port\n- 8500\n");

    assertThatThrownBy(() -> new ConfigLoader().file(file).flag("models", dir).load())
        .hasMessageContaining(file + ": expected a mapping of keys to values");
  }

  @Test
  void batchingIsOffByDefault() {
    ModelServerConfig config = new ConfigLoader().flag("models", dir).load();

    assertThat(config.batching()).isEqualTo(BatchingConfig.DISABLED);
    assertThat(config.batching().enabled()).isFalse();
  }

  @Test
  void batchingIsReadFromItsOwnMappingAndTheFlagSwitchesItOn() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        "models: "
            + dir
            + "\nbatching:\n  maxBatchSize: 32\n  maxQueueDelay: 500us\n"
            + "  preferredBatchSizes: [8, 16]\n  queueCapacity: 100\n");

    ConfigLoader loader = new ConfigLoader().file(file).flag("batching.enabled", true);
    BatchingConfig batching = loader.load().batching();

    assertThat(batching)
        .isEqualTo(new BatchingConfig(true, 32, Duration.ofNanos(500_000), List.of(8, 16), 100));
    assertThat(loader.describe())
        .contains(
            "batching.enabled=true (flag)",
            "batching.maxBatchSize=32 (file)",
            "batching.preferredBatchSizes=[8, 16] (file)",
            "batching.maxQueueDelay=500us (file)");
  }

  @Test
  void everyBadBatchingKeyIsReportedByName() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        "models: "
            + dir
            + "\nbatching:\n  enabled: maybe\n  maxBatchSize: 0\n  maxQueueDelay: 2m\n"
            + "  queueCapacity: -1\n  maxBatchSzie: 8\n");

    assertThatThrownBy(() -> new ConfigLoader().file(file).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batching.enabled: maybe (expected: true or false)")
        .hasMessageContaining("batching.maxBatchSize: 0 (expected: an integer in 1..65536)")
        .hasMessageContaining("batching.maxQueueDelay: 2m (expected: a duration of at most 1m)")
        .hasMessageContaining("batching.queueCapacity: -1 (expected: an integer in 1..1000000)")
        .hasMessageContaining("batching.maxBatchSzie: unknown key in " + file);
  }

  @Test
  void preferredBatchSizesMustAscendWithinTheMaxBatchSize() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        "models: " + dir + "\nbatching:\n  maxBatchSize: 16\n  preferredBatchSizes: [8, 4, 32]\n");

    assertThatThrownBy(() -> new ConfigLoader().file(file).load())
        .hasMessageContaining(
            "batching.preferredBatchSizes: [8, 4, 32] (expected: ascending integers in 1..16,"
                + " the maxBatchSize)");
  }

  @Test
  void batchingMustBeAMapping() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(file, "models: " + dir + "\nbatching: true\n");

    assertThatThrownBy(() -> new ConfigLoader().file(file).load())
        .hasMessageContaining("batching: expected a mapping of [enabled, maxBatchSize,");
  }
}
