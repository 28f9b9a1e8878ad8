package io.infergate.infer.modelserver;

import static io.infergate.infer.modelserver.testing.CallFailures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.digits.TfRecordWriter;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.grpc.TfServingWarmupFile;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.ScratchRepository;
import io.infergate.infer.modelserver.testing.SteadyLoad;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ModelReadyRequest;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.ModelVersionStatus;
import io.infergate.infer.proto.tfserving.PredictLog;
import io.infergate.infer.proto.tfserving.PredictionLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Versions coming and going while a server watches its repository and serves calls: swaps under
 * load, a version that fails to load, draining a removed version, and {@code model.yaml} edits.
 */
class HotReloadIT {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String NO_BATCHING = "{enabled: false}";
  private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(60);

  static Path trained;
  static ModelInferRequest oneDigit;

  @TempDir Path temp;
  private ScratchRepository repo;

  @BeforeAll
  static void trainOnce() throws Exception {
    trained = TestRepository.shared().resolve("digits");
    oneDigit = DigitsRequests.oipRaw(DigitsRequests.validation().head(1), "").build();
  }

  /** Every test starts from a repository that holds version 1 of digits, and no server yet. */
  @BeforeEach
  void digitsVersion1() throws Exception {
    repo = ScratchRepository.create(temp);
    repo.publish("digits", 1, trained.resolve("1"));
  }

  @ParameterizedTest(name = "batching {0}")
  @ValueSource(booleans = {false, true})
  void swapsVersionsUnderLoadWithoutAFailedCall(boolean batching) throws Exception {
    try (RunningServer server = RunningServer.start(config(batching(batching)));
        SteadyLoad load = SteadyLoad.start(server.channel(), oneDigit, 4)) {
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("1") >= 20);

      repo.publish("digits", 2, trained.resolve("2"));
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("2") >= 20);
      await().atMost(SWAP_TIMEOUT).until(() -> states(server).equals(Map.of(2L, "AVAILABLE")));

      // A third version, then the second's directory removed, as a release manager cleans up.
      repo.publish("digits", 3, trained.resolve("1"));
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("3") >= 20);
      repo.remove("digits", 2);
      await().atMost(SWAP_TIMEOUT).until(() -> states(server).equals(Map.of(3L, "AVAILABLE")));
      long beforeLast = load.answeredBy("3");
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("3") >= beforeLast + 20);

      load.stop();
      assertThat(load.failed()).as("%s", load).isZero();
      assertThat(load.answeredBy("1") + load.answeredBy("2") + load.answeredBy("3"))
          .isEqualTo(load.count(Status.Code.OK));
      assertFails(
          () -> infer(server, "1"),
          Status.Code.NOT_FOUND,
          "model 'digits' version 1 not found (loaded: [3])");
    }
  }

  @Test
  void keepsServingTheOldVersionWhenANewOneFailsToLoadAndReportsTheFailure() throws Exception {
    try (RunningServer server = RunningServer.start(config(NO_BATCHING));
        SteadyLoad load = SteadyLoad.start(server.channel(), oneDigit, 4)) {
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("1") >= 20);

      repo.publishBroken("digits", 2);
      await()
          .atMost(SWAP_TIMEOUT)
          .until(() -> states(server).equals(Map.of(1L, "AVAILABLE", 2L, "END")));
      ModelVersionStatus failed = status(server, 2).get(0);
      // Relative to the repository root: callers do not learn the server's file layout.
      assertThat(failed.getStatus().getErrorMessage())
          .startsWith("digits/2: ")
          .contains("TensorFlow could not load it")
          .doesNotContain(repo.root().toString());
      assertThat(ready(server, "2")).isFalse();
      assertThat(ready(server, "1")).isTrue();
      long beforeFailure = load.answeredBy("1");
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("1") >= beforeFailure + 20);

      // Fixing the directory is enough: it is tried again because it changed.
      repo.replace("digits", 2, trained.resolve("2"));
      await().atMost(SWAP_TIMEOUT).until(() -> load.answeredBy("2") >= 20);
      await().atMost(SWAP_TIMEOUT).until(() -> states(server).equals(Map.of(2L, "AVAILABLE")));

      load.stop();
      assertThat(load.failed()).as("%s", load).isZero();
    }
  }

  @Test
  void replaysRecordedWarmupRequestsAndRefusesAVersionTheyDoNotFit() throws Exception {
    assertThat(trained.resolve("2").resolve(TfServingWarmupFile.PATH)).isRegularFile();
    try (RunningServer server = RunningServer.start(config(NO_BATCHING))) {
      // Version 2 as trained, except that its recorded request names an input it does not have.
      repo.publish(
          "digits",
          2,
          trained.resolve("2"),
          staging -> TfRecordWriter.write(staging.resolve(TfServingWarmupFile.PATH), wrongInput()));
      await()
          .atMost(SWAP_TIMEOUT)
          .until(() -> states(server).equals(Map.of(1L, "AVAILABLE", 2L, "END")));
      assertThat(status(server, 2).get(0).getStatus().getErrorMessage())
          .endsWith(
              TfServingWarmupFile.PATH
                  + ": record 0: input size does not match signature: 1!=1 len({image}) !="
                  + " len({pixels}). Sent extra: {image}. Missing but required: {pixels}.");

      // The trained file (real digits) replays fine.
      repo.replace("digits", 2, trained.resolve("2"));
      await().atMost(SWAP_TIMEOUT).until(() -> states(server).equals(Map.of(2L, "AVAILABLE")));
      assertThat(infer(server, "").getModelVersion()).isEqualTo("2");
    }
  }

  @Test
  void answersCallsQueuedOnARemovedVersionBeforeUnloadingIt() throws Exception {
    repo.writeConfig("digits", "versionPolicy: all\n");
    repo.publish("digits", 2, trained.resolve("2"));
    // Batches wait up to a minute to fill, so these calls sit in version 1's queue until it drains.
    String slowBatches = "{enabled: true, maxBatchSize: 64, maxQueueDelay: 1m, queueCapacity: 64}";
    try (RunningServer server = RunningServer.start(config(slowBatches))) {
      var stub =
          GRPCInferenceServiceGrpc.newFutureStub(server.channel())
              .withDeadlineAfter(30, TimeUnit.SECONDS);
      List<ListenableFuture<ModelInferResponse>> queued = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        queued.add(stub.modelInfer(oneDigit.toBuilder().setModelVersion("1").build()));
      }
      await()
          .atMost(SWAP_TIMEOUT)
          .until(() -> server.server().batchStats("digits", 1).orElseThrow().queued() == 3);

      repo.remove("digits", 1);

      for (ListenableFuture<ModelInferResponse> call : queued) {
        assertThat(call.get(30, TimeUnit.SECONDS).getModelVersion()).isEqualTo("1");
      }
      await().atMost(SWAP_TIMEOUT).until(() -> states(server).equals(Map.of(2L, "AVAILABLE")));
      assertFails(() -> infer(server, "1"), Status.Code.NOT_FOUND);
      assertThat(ready(server, "1")).isFalse();
      assertThat(ready(server, "2")).isTrue();
    }
  }

  @Test
  void followsModelYamlEditsAndKeepsThePreviousSettingsOnABadOne() throws Exception {
    repo.writeConfig("digits", "versionPolicy: all\nlabels:\n  stable: 1\n  canary: 2\n");
    repo.publish("digits", 2, trained.resolve("2"));
    try (RunningServer server = RunningServer.start(config(NO_BATCHING))) {
      assertThat(infer(server, "canary").getModelVersion()).isEqualTo("2");
      assertThat(infer(server, "stable").getModelVersion()).isEqualTo("1");
      assertThat(predictLabelled(server, "canary")).isEqualTo(2);

      repo.writeConfig("digits", "versionPolicy: all\nlabels:\n  stable: 2\n  canary: 1\n");
      await()
          .atMost(SWAP_TIMEOUT)
          .until(() -> infer(server, "canary").getModelVersion().equals("1"));
      assertThat(predictLabelled(server, "stable")).isEqualTo(2);

      repo.writeConfig("digits", "versionPolicy:\n  latest: 0\nlabels:\n  canary: 1\n");
      // Several polls later, the bad edit has changed nothing.
      await()
          .during(Duration.ofMillis(10 * POLL.toMillis()))
          .atMost(SWAP_TIMEOUT)
          .until(() -> states(server).equals(Map.of(1L, "AVAILABLE", 2L, "AVAILABLE")));
      assertThat(infer(server, "stable").getModelVersion()).isEqualTo("2");

      repo.writeConfig("digits", "versionPolicy:\n  latest: 1\n");
      await().atMost(SWAP_TIMEOUT).until(() -> states(server).equals(Map.of(2L, "AVAILABLE")));
      assertFails(
          () -> infer(server, "canary"),
          Status.Code.NOT_FOUND,
          "model 'digits' has no version labelled 'canary'");
    }
  }

  @Test
  void servesModelsAddedAfterStartAndStopsServingRemovedOnes() throws Exception {
    try (RunningServer server = RunningServer.start(config(NO_BATCHING))) {
      var health = HealthGrpc.newBlockingStub(server.channel());
      repo.publish("digits-b", 4, trained.resolve("2"));
      await().atMost(SWAP_TIMEOUT).until(() -> health(health, "digits-b") == ServingStatus.SERVING);
      ModelInferRequest toB = oneDigit.toBuilder().setModelName("digits-b").build();
      assertThat(server.oip().modelInfer(toB).getModelVersion()).isEqualTo("4");

      repo.remove("digits-b", 4);
      await()
          .atMost(SWAP_TIMEOUT)
          .until(() -> health(health, "digits-b") == ServingStatus.NOT_SERVING);
      assertFails(() -> server.oip().modelInfer(toB), Status.Code.NOT_FOUND);
      assertThat(health(health, "digits")).isEqualTo(ServingStatus.SERVING);
    }
  }

  private static List<byte[]> wrongInput() {
    var request =
        DigitsRequests.predict(DigitsRequests.validation().head(1), 0)
            .putInputs(
                "image",
                DigitsRequests.predict(DigitsRequests.validation().head(1), 0)
                    .getInputsOrThrow("pixels"))
            .removeInputs("pixels");
    return List.of(
        PredictionLog.newBuilder()
            .setPredictLog(PredictLog.newBuilder().setRequest(request))
            .build()
            .toByteArray());
  }

  /** The server's configuration; {@code batching} is the {@code batching:} key's YAML. */
  private ModelServerConfig config(String batching) {
    return TestConfigs.of(
        repo.root(),
        "workerThreads: 4\nbatching: %s\nrepository: {pollInterval: %dms, warmupRuns: 1}"
            .formatted(batching, POLL.toMillis()));
  }

  private static String batching(boolean on) {
    return on
        ? "{enabled: true, maxBatchSize: 16, maxQueueDelay: 1ms, queueCapacity: 256}"
        : NO_BATCHING;
  }

  private static ModelInferResponse infer(RunningServer server, String version) {
    return server.oip().modelInfer(oneDigit.toBuilder().setModelVersion(version).build());
  }

  private static long predictLabelled(RunningServer server, String label) {
    DigitsDataset row = DigitsRequests.validation().head(1);
    var request =
        DigitsRequests.predict(row, 0)
            .setModelSpec(ModelSpec.newBuilder().setName("digits").setVersionLabel(label));
    return server.prediction().predict(request.build()).getModelSpec().getVersion().getValue();
  }

  private static boolean ready(RunningServer server, String version) {
    return server
        .oip()
        .modelReady(ModelReadyRequest.newBuilder().setName("digits").setVersion(version).build())
        .getReady();
  }

  /** GetModelStatus as version → state name. */
  private static Map<Long, String> states(RunningServer server) {
    Map<Long, String> states = new TreeMap<>();
    for (ModelVersionStatus status : status(server, 0)) {
      states.put(status.getVersion(), status.getState().name());
    }
    return states;
  }

  private static List<ModelVersionStatus> status(RunningServer server, long version) {
    ModelSpec.Builder spec = ModelSpec.newBuilder().setName("digits");
    if (version > 0) {
      spec.setVersion(com.google.protobuf.Int64Value.of(version));
    }
    return server
        .modelService()
        .getModelStatus(GetModelStatusRequest.newBuilder().setModelSpec(spec).build())
        .getModelVersionStatusList();
  }

  /** The service's health; SERVICE_UNKNOWN for the NOT_FOUND that an unknown name gets. */
  private static ServingStatus health(HealthGrpc.HealthBlockingStub health, String service) {
    try {
      return health
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build())
          .getStatus();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return ServingStatus.SERVICE_UNKNOWN;
      }
      throw e;
    }
  }
}
