package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.modelserver.config.BatchingConfig;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.config.MonitoringConfig;
import io.infergate.infer.modelserver.config.RepositoryConfig;
import io.infergate.infer.modelserver.config.TensorFlowConfig;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.config.Bound;
import io.infergate.infer.observability.config.ConfigException;
import io.infergate.infer.observability.server.ExitCodes;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.transport.ConnectionLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: configuration from file, environment and flags, exit codes, version. */
class ModelServerMainTest {
  @TempDir Path dir;

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheFileAndTheReportSaysWhereEachCameFrom()
      throws Exception {
    Path file =
        yaml(
            "port: 9000\nworkerThreads: 3\nshutdownGrace: 250ms\nhost: 10.0.0.1\n"
                + "batching:\n  maxBatchSize: 32\n  maxQueueDelay: 500us\n"
                + "  preferredBatchSizes: [8, 16]\n");

    Bound<ModelServerConfig> bound =
        bind(
            Map.of("MODEL_SERVER_PORT", "9050", "MODEL_SERVER_MODELS", dir.toString()),
            "--config",
            file.toString(),
            "--port",
            "9100",
            "--batching");
    ModelServerConfig config = bound.value();

    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.host()).isEqualTo("10.0.0.1");
    assertThat(config.models()).isEqualTo(dir);
    assertThat(config.workerThreads()).isEqualTo(3);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.batching())
        .isEqualTo(new BatchingConfig(true, 32, Duration.ofNanos(500_000), List.of(8, 16), null));
    assertThat(bound.effective())
        .contains(
            "port=9100 (flag)",
            "host=10.0.0.1 (file)",
            "models=" + dir + " (env)",
            "workerQueueCapacity=1024 (default)",
            "shutdownGrace=250ms (file)",
            "batching.enabled=true (flag)",
            "batching.maxQueueDelay=500µs (file)",
            "batching.preferredBatchSizes=[8,16] (file)",
            "tensorflow.interOpThreads=-1 (default)",
            "connections.maxConcurrentCallsPerConnection=1024 (default)",
            "connections.maxConnectionAge=30m0s (default)");
  }

  @Test
  void everyFlagHasAnEnvironmentVariableSoContainersNeedNoShell() {
    Bound<ModelServerConfig> bound =
        bind(
            Map.of(
                "MODEL_SERVER_HOST", "127.0.0.1",
                "MODEL_SERVER_PORT", "9050",
                "MODEL_SERVER_MODELS", dir.toString(),
                "MODEL_SERVER_WORKER_THREADS", "5",
                "MODEL_SERVER_BATCHING", "true",
                "MODEL_SERVER_METRICS_PORT", "9999"));
    ModelServerConfig config = bound.value();

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9050);
    assertThat(config.workerThreads()).isEqualTo(5);
    assertThat(config.batching().enabled()).isTrue();
    assertThat(config.telemetry().metricsPort()).isEqualTo(9999);
    assertThat(bound.effective())
        .contains("workerThreads=5 (env)", "batching.enabled=true (env)", "port=9050 (env)");
    assertThat(
            new CommandLine(new ModelServerMain(Map.of()))
                .getCommandSpec().options().stream()
                    .map(option -> option.longestName())
                    .filter(name -> !List.of("--config", "--help", "--version").contains(name))
                    .map(
                        name ->
                            "MODEL_SERVER_"
                                + name.substring(2).replace('-', '_').toUpperCase(Locale.ROOT)))
        .containsExactlyInAnyOrderElementsOf(ModelServerMain.VARIABLES.keySet());
  }

  @Test
  void aBadEnvironmentValueIsNamedByItsKey() {
    assertThatThrownBy(
            () ->
                bind(
                    Map.of(
                        "MODEL_SERVER_MODELS", dir.toString(), "MODEL_SERVER_WORKER_THREADS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("workerThreads: 0");
  }

  @Test
  void connectionLimitsAreReadFromTheirSectionAndEachBadOneIsNamedByItsPath() throws Exception {
    Path good =
        yaml(
            "models: "
                + dir
                + "\nconnections:\n  maxConcurrentCallsPerConnection: 64\n"
                + "  permitKeepAliveTime: 20s\n  maxConnectionAge: 0s\n");
    Path bad =
        yaml(
            "models: "
                + dir
                + "\nconnections:\n  maxConcurrentCallsPerConnection: 0\n"
                + "  maxInboundMetadataBytes: 100\n  rstFramesWindow: 0s\n");

    Bound<ModelServerConfig> bound = bind(Map.of(), "--config", good.toString());

    assertThat(bound.value().connections())
        .isEqualTo(
            new ConnectionLimits(
                64,
                null,
                null,
                null,
                Duration.ofSeconds(20),
                null,
                null,
                Duration.ZERO,
                null,
                null,
                null));
    assertThat(bound.effective())
        .contains(
            "connections.maxConcurrentCallsPerConnection=64 (file)",
            "connections.permitKeepAliveTime=20s (file)",
            "connections.maxInboundMetadataBytes=8192 (default)",
            "connections.maxRstFramesPerWindow=2000 (default)",
            "connections.newPerSourcePerSecond=10 (default)",
            "connections.newPerSourceBurst=100 (default)");
    assertThat(problems("--config", bad.toString()))
        .containsExactlyInAnyOrder(
            "connections.maxConcurrentCallsPerConnection: 0 (expected: an integer in"
                + " 1..2147483647)",
            "connections.maxInboundMetadataBytes: 100 (expected: an integer in 1024..1048576)",
            "connections.rstFramesWindow: 0s (expected: whole seconds in 1s..1h)");
  }

  @Test
  void theConfigFileMayBeNamedByTheEnvironment() throws Exception {
    Path file = yaml("models: " + dir + "\nworkerThreads: 5\n");

    ModelServerConfig config =
        bind(Map.of("MODEL_SERVER_CONFIG", file.toString(), "MODEL_SERVER_HOST", "127.0.0.1"))
            .value();

    assertThat(config.workerThreads()).isEqualTo(5);
    assertThat(config.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void everyValueThatDoesNotParseIsReportedAtOnceByItsPath() throws Exception {
    Path file =
        yaml(
            "prot: 1\nshutdownGrace: soon\nbatching:\n  maxBatchSzie: 8\n  enabled: maybe\n"
                + "repository:\n  pollInterval: often\n");

    assertThat(problems("--config", file.toString(), "--port", "http"))
        .contains(
            "prot: unknown key (expected one of: batching, connections, host,"
                + " maxInboundMessageBytes, models, monitoring, port, reflection, repository,"
                + " shutdownGrace,"
                + " telemetry, tensorflow, tls, warmup, workerQueueCapacity, workerThreads)",
            "shutdownGrace: \"soon\" (expected: a duration, e.g. 250ms, 10s, 1h30m)",
            "batching.maxBatchSzie: unknown key (expected one of: enabled,"
                + " maxBatchSize, maxQueueDelay, preferredBatchSizes, queueCapacity)",
            "batching.enabled: \"maybe\" (expected: true or false)",
            "repository.pollInterval: \"often\" (expected: a duration, e.g. 250ms,"
                + " 10s, 1h30m)",
            "port: \"http\" (expected: an integer)");
  }

  @Test
  void everyValueOutOfRangeIsReportedAtOnceByItsPath() throws Exception {
    Path file = yaml("port: 70000\nworkerThreads: 0\nhost: ''\nshutdownGrace: -1s\n");

    assertThat(problems("--config", file.toString()))
        .containsExactly(
            "host: empty (expected: an address such as 0.0.0.0 or 127.0.0.1)",
            "port: 70000 (expected: an integer in 0..65535)",
            "models: missing (expected: the model repository directory, --models" + " DIR)",
            "workerThreads: 0 (expected: an integer in 1..1024)",
            "shutdownGrace: -1s (expected: a duration >= 0s)");
  }

  @Test
  void everyBadSectionValueIsReportedByItsPath() throws Exception {
    Path file =
        yaml(
            "models: "
                + dir
                + "\nbatching:\n  maxBatchSize: 16\n  maxQueueDelay: 2m\n"
                + "  preferredBatchSizes: [8, 4, 32]\n  queueCapacity: -1\n"
                + "repository:\n  warmupRuns: 101\n"
                + "tensorflow:\n  gpuMemoryFraction: 2\n  gpuVisibleDevices: all\n");

    assertThat(problems("--config", file.toString()))
        .containsExactlyInAnyOrder(
            "batching.maxQueueDelay: 2m0s (expected: a duration in 0s..1m0s)",
            "batching.queueCapacity: -1 (expected: an integer in 1..1000000)",
            "batching.preferredBatchSizes: [8, 4, 32] (expected: ascending integers"
                + " in 1..16, the maxBatchSize)",
            "repository.warmupRuns: 101 (expected: an integer in 0..100)",
            "tensorflow.gpuMemoryFraction: 2.0 (expected: a number in 0..1)",
            "tensorflow.gpuVisibleDevices: all (expected: CUDA device indexes such as"
                + " 0 or 0,1)");
  }

  @Test
  void monitoringIsReadFromItsSectionAndEachBadValueIsNamedByItsPath() throws Exception {
    Path good =
        yaml(
            "models: "
                + dir
                + "\nmonitoring:\n  flagThreshold: 0.02\n  driftWindow: 30s\n  driftBucket: 5s\n"
                + "  flaggedLogInterval: 1m\n");
    Path bad =
        yaml(
            "models: "
                + dir
                + "\nmonitoring:\n  flagThreshold: 1\n  driftWindow: 1m\n  driftBucket: 7s\n");

    assertThat(bind(Map.of(), "--config", good.toString()).value().monitoring())
        .isEqualTo(
            new MonitoringConfig(
                true,
                0.02,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                100,
                10_000,
                Duration.ofMinutes(1)));
    assertThat(bind(Map.of("MODEL_SERVER_MODELS", dir.toString())).value().monitoring())
        .isEqualTo(MonitoringConfig.DEFAULT);
    assertThat(problems("--config", bad.toString()))
        .containsExactlyInAnyOrder(
            "monitoring.flagThreshold: 1.0 (expected: a share in 0..1, below 1)",
            "monitoring.driftWindow: 1m0s (expected: 1..360 whole driftBuckets of 7s)");
  }

  @Test
  void warmUpIsOnByDefaultAndItsKeysAreCheckedByPath() throws Exception {
    Bound<ModelServerConfig> defaults = bind(Map.of("MODEL_SERVER_MODELS", dir.toString()));
    assertThat(defaults.value().warmup()).isEqualTo(WarmupConfig.DEFAULT);
    assertThat(defaults.value().warmup().active()).isTrue();
    assertThat(defaults.effective())
        .contains("warmup.enabled=true (default)", "warmup.maxDuration=20s (default)");

    Bound<ModelServerConfig> off =
        bind(
            Map.of(),
            "--config",
            yaml("models: " + dir + "\nwarmup:\n  enabled: false\n").toString());
    assertThat(off.value().warmup().active()).isFalse();

    assertThat(
            problems(
                "--config",
                yaml("models: "
                        + dir
                        + "\nwarmup:\n  maxDuration: 1h\n  minCalls: -1\n  concurrency: 0\n")
                    .toString()))
        .containsExactlyInAnyOrder(
            "warmup.maxDuration: 1h0m0s (expected: a duration in 0s..10m0s)",
            "warmup.minCalls: -1 (expected: an integer in 0..1000000)",
            "warmup.concurrency: 0 (expected: an integer in 1..1024)");
  }

  @Test
  void sectionsAreReadFromTheirOwnMappings() throws Exception {
    Path file =
        yaml(
            "models: "
                + dir
                + "\nrepository:\n  pollInterval: 250ms\n  warmupRuns: 0\n"
                + "tensorflow:\n  intraOpThreads: 4\n  gpuMemoryFraction: 0.5\n"
                + "  gpuVisibleDevices: 0,1\n  gpuAllowGrowth: false\n"
                + "batching:\n  preferredBatchSizes: 16\n");

    ModelServerConfig config = bind(Map.of(), "--config", file.toString()).value();

    assertThat(config.repository()).isEqualTo(new RepositoryConfig(Duration.ofMillis(250), 0));
    assertThat(config.tensorFlow()).isEqualTo(new TensorFlowConfig(-1, 4, false, 0.5, "0,1"));
    assertThat(config.batching().preferredBatchSizes()).containsExactly(16);
    assertThat(config.batching().enabled()).isFalse();
  }

  @Test
  void aModelsDirectoryThatDoesNotExistIsRefused() {
    assertThatThrownBy(() -> bind(Map.of(), "--models", dir.resolve("absent").toString()))
        .hasMessageContaining(
            "models: " + dir.resolve("absent") + " (expected: an existing directory)");
  }

  @Test
  void badConfigurationExitsWithCode2NamingEveryProblem() throws Exception {
    CommandRun run = CommandRun.of("--port", "70000", "--worker-threads", "0");

    assertThat(run.code()).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(run.err())
        .startsWith("model-server: invalid configuration:")
        .contains("  port: 70000 (expected: an integer in 0..65535)")
        .contains("  workerThreads: 0 (expected: an integer in 1..1024)")
        .contains("  models: missing");
  }

  @Test
  void versionIsTheProjectsVersion() {
    CommandRun run = CommandRun.of("--version");

    assertThat(run.code()).isZero();
    assertThat(run.out().strip()).isEqualTo("model-server " + ProjectVersion.current());
  }

  @Test
  void reflectionIsOnByDefaultMayBeTurnedOffAndTakesOnlyTrueOrFalse() throws Exception {
    Bound<ModelServerConfig> defaults = bind(Map.of("MODEL_SERVER_MODELS", dir.toString()));
    assertThat(defaults.value().reflection()).isTrue();
    assertThat(defaults.effective()).contains("reflection=true (default)");

    Bound<ModelServerConfig> off =
        bind(Map.of(), "--config", yaml("models: " + dir + "\nreflection: false\n").toString());
    assertThat(off.value().reflection()).isFalse();
    assertThat(off.effective()).contains("reflection=false (file)");

    assertThat(problems("--config", yaml("models: " + dir + "\nreflection: maybe\n").toString()))
        .containsExactly("reflection: \"maybe\" (expected: true or false)");
  }

  @Test
  void symlinksOutsideAndAbsolutePathsInStatusAreOffByDefaultAndTakeOnlyTrueOrFalse()
      throws Exception {
    Bound<ModelServerConfig> defaults = bind(Map.of("MODEL_SERVER_MODELS", dir.toString()));
    assertThat(defaults.value().repository().allowSymlinksOutside()).isFalse();
    assertThat(defaults.value().repository().absolutePathsInStatus()).isFalse();
    assertThat(defaults.effective())
        .contains(
            "repository.allowSymlinksOutside=false (default)",
            "repository.absolutePathsInStatus=false (default)");

    String on = "repository:\n  allowSymlinksOutside: true\n  absolutePathsInStatus: true\n";
    ModelServerConfig allowed =
        bind(Map.of(), "--config", yaml("models: " + dir + "\n" + on).toString()).value();
    assertThat(allowed.repository().allowSymlinksOutside()).isTrue();
    assertThat(allowed.repository().absolutePathsInStatus()).isTrue();

    String bad = "repository:\n  allowSymlinksOutside: maybe\n  absolutePathsInStatus: 1.5\n";
    assertThat(problems("--config", yaml("models: " + dir + "\n" + bad).toString()))
        .contains("repository.allowSymlinksOutside: \"maybe\" (expected: true or false)");
  }

  private Bound<ModelServerConfig> bind(Map<String, String> environment, String... args) {
    ModelServerMain main = new ModelServerMain(environment);
    new CommandLine(main).parseArgs(args);
    return main.bind();
  }

  /** The problems binding {@code args} reports, all at once. */
  private List<String> problems(String... args) {
    try {
      bind(Map.of(), args);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("no ConfigException binding " + List.of(args));
  }

  private Path yaml(String text) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "server", ".yaml"), text);
  }
}
