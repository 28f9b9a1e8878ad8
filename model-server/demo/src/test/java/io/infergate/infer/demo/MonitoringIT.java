package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.ModelServer;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.observability.telemetry.Telemetry;
import io.infergate.infer.observability.telemetry.TelemetryConfig;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model monitoring end to end: a real TensorFlow model server serving digits v1 and v2 with the
 * baselines the trainer wrote, its {@code /metrics} scraped every second by a real Prometheus
 * (Debian's {@code prometheus}) that evaluates the shipped alert rules every second, and the
 * held-out digits replayed at it undrifted, shifted, with classes missing and with values out of
 * range. Skipped, saying so, where {@code prometheus} is not installed ({@code .ci/run} installs
 * it).
 */
class MonitoringIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path RULES =
      Path.of("../../observability/src/main/monitoring/prometheus/infergate-rules.yml")
          .toAbsolutePath()
          .normalize();
  private static final double RATE = 40;

  @TempDir static Path scratch;
  static Telemetry telemetry;
  static ModelServer server;
  static ManagedChannel channel;
  static Process prometheus;
  static String prometheusUrl;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PROMETHEUS),
        "MonitoringIT needs Prometheus at " + PROMETHEUS + " (apt-get install prometheus)");
    telemetry =
        Telemetry.start(
            "model-server", new TelemetryConfig(0, "127.0.0.1", true, null, null, 0.0, null));
    server =
        ModelServer.start(
            // Warm-up calls carry zeros: kept out, so the drift window starts from the replay.
            TestConfigs.of(bothVersions(), "warmup: {enabled: false}"), telemetry.openTelemetry());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    prometheus = startPrometheus(URI.create(telemetry.metricsUrl()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
  }

  @Test
  void undriftedDigitsRaiseNothingAndAnIntensityShiftFiresTheDriftAlertWithin30Seconds()
      throws Exception {
    try (Replay undrifted = replay(ReplayDrift.none(8), "2")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> metric("infergate_model_drift_window_rows", "2", "input") >= 2000);
      assertThat(undrifted.counts().failed()).isZero();
    }
    assertThat(metric("infergate_model_input_calls_checked_total", "2", null)).isPositive();
    assertThat(metric("infergate_model_input_calls_flagged_total", "2", null)).isZero();
    assertThat(metric("infergate_model_drift_psi", "2", "input")).isLessThan(0.1);
    assertThat(metric("infergate_model_drift_psi", "2", "prediction")).isLessThan(0.1);
    assertThat(firingDrift("2")).isFalse();
    System.out.printf(
        "MonitoringIT: undrifted, %.0f rows in the window: input PSI %.3f, prediction PSI %.3f%n",
        metric("infergate_model_drift_window_rows", "2", "input"),
        metric("infergate_model_drift_psi", "2", "input"),
        metric("infergate_model_drift_psi", "2", "prediction"));

    long shiftStarted = System.nanoTime();
    try (Replay shifted = replay(new ReplayDrift(4, 0, ReplayDrift.allClasses(), 0, 8, 1), "2")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> firingDrift("2"));
      assertThat(shifted.counts().failed()).isZero();
    }
    System.out.printf(
        "MonitoringIT: InfergateModelDrift fired %.1f s after the +4 shift started (input PSI %.2f)%n",
        (System.nanoTime() - shiftStarted) / 1e9,
        metric("infergate_model_drift_psi", "2", "input"));
    assertThat(metric("infergate_model_drift_psi", "2", "input")).isGreaterThan(0.2);
  }

  @Test
  void onlyDigitsZeroToFourDriftThePredictedClassesPastTheThreshold() throws Exception {
    boolean[] zeroToFour = ReplayDrift.parseClasses("0-4");
    try (Replay skewed = replay(new ReplayDrift(0, 0, zeroToFour, 0, 8, 1), "1")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> metric("infergate_model_drift_psi", "1", "prediction") > 0.2);
      assertThat(skewed.counts().failed()).isZero();
    }
    System.out.printf(
        "MonitoringIT: digits 0-4 only: prediction PSI %.2f%n",
        metric("infergate_model_drift_psi", "1", "prediction"));
  }

  @Test
  void twoPercentOfValuesOutOfRangeFlagsEveryCallAndHalfAPercentNone() throws Exception {
    // 8 digits a call: 512 values, of which 0.5% is 3 (0.59%) and 2% is 10 (1.95%).
    double checked = metric("infergate_model_input_calls_checked_total", "1", null);
    double flagged = metric("infergate_model_input_calls_flagged_total", "1", null);

    sendCalls(new ReplayDrift(0, 0, ReplayDrift.allClasses(), 0.005, 8, 7), 20);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> metric("infergate_model_input_calls_checked_total", "1", null) == checked + 20);
    assertThat(metric("infergate_model_input_calls_flagged_total", "1", null)).isEqualTo(flagged);

    sendCalls(new ReplayDrift(0, 0, ReplayDrift.allClasses(), 0.02, 8, 7), 20);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> metric("infergate_model_input_calls_checked_total", "1", null) == checked + 40);
    assertThat(metric("infergate_model_input_calls_flagged_total", "1", null))
        .isEqualTo(flagged + 20);
    assertThat(metric("infergate_model_input_values_out_of_range_total", "1", null))
        .isGreaterThanOrEqualTo(20 * 3 + 20 * 10);
  }

  private static Replay replay(ReplayDrift drift, String version) {
    return Replay.start(
        channel,
        drift.requests(DigitsDataset.load().split().validation(), "digits", version),
        RATE);
  }

  private static void sendCalls(ReplayDrift drift, int calls) {
    List<ModelInferRequest> requests =
        drift.requests(DigitsDataset.load().split().validation(), "digits", "1");
    var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    for (int i = 0; i < calls; i++) {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(requests.get(i));
    }
  }

  /** Whether Prometheus reports the drift alert firing for {@code version}'s inputs. */
  private static boolean firingDrift(String version) throws Exception {
    JsonNode alerts = JSON.readTree(get(prometheusUrl + "/api/v1/alerts")).at("/data/alerts");
    for (JsonNode alert : alerts) {
      JsonNode labels = alert.get("labels");
      if (labels.path("alertname").asText().equals("InfergateModelDrift")
          && labels.path("version").asText().equals(version)
          && labels.path("distribution").asText().equals("input")
          && alert.path("state").asText().equals("firing")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The value of {@code name} for digits {@code version} (and {@code distribution}, if given) on
   * the model server's {@code /metrics}; 0 when absent.
   */
  private static double metric(String name, String version, String distribution) throws Exception {
    Pattern line = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher matcher = line.matcher(get(telemetry.metricsUrl()));
    while (matcher.find()) {
      String labels = matcher.group(1);
      if (labels.contains("model=\"digits\"")
          && labels.contains("version=\"" + version + "\"")
          && (distribution == null || labels.contains("distribution=\"" + distribution + "\""))) {
        return Double.parseDouble(matcher.group(2));
      }
    }
    return 0;
  }

  private static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A repository of digits v1 and v2 (with their baselines), both served. */
  private static Path bothVersions() throws Exception {
    Path repository = scratch.resolve("models");
    Path source = TestRepository.shared().resolve("digits");
    for (String version : List.of("1", "2")) {
      Path from = source.resolve(version);
      Path to = repository.resolve("digits").resolve(version);
      try (Stream<Path> files = Files.walk(from)) {
        for (Path file : files.toList()) {
          Files.createDirectories(to.resolve(from.relativize(file).toString()).getParent());
          if (!Files.isDirectory(file)) {
            Files.copy(file, to.resolve(from.relativize(file).toString()));
          }
        }
      }
    }
    Files.writeString(repository.resolve("digits/model.yaml"), "versionPolicy: all\n");
    return repository;
  }

  /**
   * Prometheus scraping {@code metrics} every second and evaluating the shipped rules every second,
   * on a free loopback port; returns once it is ready.
   */
  private static Process startPrometheus(URI metrics) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path config = scratch.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: model-server
            metrics_path: %s
            static_configs:
              - targets: ["%s"]
        """
            .formatted(RULES, metrics.getPath(), metrics.getAuthority()));
    File log = scratch.resolve("prometheus.log").toFile();
    Process process =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + scratch.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    prometheusUrl = "http://127.0.0.1:" + port;
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              assertThat(process.isAlive())
                  .as("prometheus exited: %s", Files.readString(log.toPath()))
                  .isTrue();
              return get(prometheusUrl + "/-/ready").contains("Ready");
            });
    return process;
  }
}
