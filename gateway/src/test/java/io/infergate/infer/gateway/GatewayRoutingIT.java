package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.gateway.testing.Backends;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Captured;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ModelMetadataRequest;
import io.infergate.infer.proto.oip.v2.ModelReadyRequest;
import io.infergate.infer.proto.oip.v2.ServerLiveRequest;
import io.infergate.infer.proto.oip.v2.ServerMetadataRequest;
import io.infergate.infer.proto.oip.v2.ServerReadyRequest;
import io.infergate.infer.proto.tfserving.GetModelMetadataRequest;
import io.infergate.infer.proto.tfserving.GetModelStatusRequest;
import io.infergate.infer.proto.tfserving.ModelSpec;
import io.infergate.infer.proto.tfserving.PredictResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both APIs through the gateway to real model servers (digits v1 as stable, v2 as canary), with the
 * split, stickiness and override measured from {@code x-variant}.
 */
class GatewayRoutingIT {
  @TempDir static Path scratch;
  static RunningServer stable;
  static RunningServer canary;
  static Gateway gateway;
  static GatewayClient client;
  static DigitsDataset one;

  @BeforeAll
  static void start() throws Exception {
    stable = Backends.digitsVersion(1, scratch);
    canary = Backends.digitsVersion(2, scratch);
    gateway =
        Gateway.start(
            GatewayConfigLoader.parse(
                """
                host: 127.0.0.1
                port: 0
                reloadCheckInterval: 0s
                routes:
                  - model: digits
                    stickyHeader: x-user-id
                    overrideHeader: x-variant-override
                    variants:
                      - {name: stable, weight: 90, endpoints: ["127.0.0.1:%d"]}
                      - {name: canary, weight: 10, endpoints: ["127.0.0.1:%d"]}
                  - model: typo
                    variants:
                      - {name: gone, weight: 1, endpoints: ["127.0.0.1:%d"]}
                """
                    .formatted(stable.server().port(), canary.server().port(), Backends.deadPort()),
                "test"));
    client = new GatewayClient(gateway.port());
    one = DigitsRequests.validation().head(1);
  }

  @AfterAll
  static void stop() {
    client.close();
    gateway.close();
    stable.close();
    canary.close();
  }

  @Test
  void oipInferenceGoesThroughAndSaysWhichVariantServed() {
    Captured captured = new Captured();
    ModelInferResponse response =
        client
            .oip(Map.of("x-variant-override", "canary"), captured)
            .modelInfer(DigitsRequests.oipTyped(DigitsRequests.validation(), "").build());

    assertThat(captured.variant()).isEqualTo("canary;version=2");
    assertThat(response.getModelVersion()).isEqualTo("2");
    DigitsDataset validation = DigitsRequests.validation();
    long correct = 0;
    for (int row = 0; row < validation.size(); row++) {
      if (response.getOutputs(0).getContents().getInt64Contents(row) == validation.label(row)) {
        correct++;
      }
    }
    assertThat((double) correct / validation.size()).isGreaterThanOrEqualTo(0.92);
  }

  @Test
  void tfServingPredictGoesThroughToo() {
    Captured captured = new Captured();
    PredictResponse response =
        client
            .prediction(Map.of("x-variant-override", "stable"), captured)
            .predict(DigitsRequests.predict(one, 0).build());

    assertThat(captured.variant()).isEqualTo("stable;version=1");
    assertThat(response.getOutputsOrThrow("classes").getInt64ValCount()).isEqualTo(1);
  }

  @Test
  void metadataAndStatusMethodsAreForwardedByModel() {
    Captured captured = new Captured();
    var oip = client.oip(Map.of("x-variant-override", "canary"), captured);
    assertThat(
            oip.modelMetadata(ModelMetadataRequest.newBuilder().setName("digits").build())
                .getVersionsList())
        .containsExactly("2");
    assertThat(oip.modelReady(ModelReadyRequest.newBuilder().setName("digits").build()).getReady())
        .isTrue();
    var tfServing = client.prediction(Map.of("x-variant-override", "stable"), new Captured());
    assertThat(
            tfServing
                .getModelMetadata(
                    GetModelMetadataRequest.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                        .addMetadataField("signature_def")
                        .build())
                .getModelSpec()
                .getVersion()
                .getValue())
        .isEqualTo(1);
    assertThat(
            client
                .modelService()
                .getModelStatus(
                    GetModelStatusRequest.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder().setName("digits"))
                        .build())
                .getModelVersionStatusCount())
        .isEqualTo(1);
  }

  @Test
  void serverLevelMethodsAreAnsweredByTheGatewayItself() {
    var oip = client.oip(Map.of(), new Captured());
    assertThat(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(oip.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
        .isEqualTo(Gateway.NAME);
    assertThat(
            HealthGrpc.newBlockingStub(client.channel())
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void aNinetyTenSplitLandsInsideTheBinomialInterval() {
    int calls = 2_000;
    int onCanary = 0;
    for (int i = 0; i < calls; i++) {
      Captured captured = new Captured();
      client.oip(Map.of(), captured).modelInfer(DigitsRequests.oipRaw(one, "").build());
      if (captured.variant().startsWith("canary")) {
        onCanary++;
      }
    }
    // 99.9% interval of Binomial(2000, 0.1): 200 ± 3.29·sqrt(2000·0.1·0.9).
    double halfWidth = 3.29 * Math.sqrt(calls * 0.1 * 0.9);
    assertThat((double) onCanary).isBetween(200 - halfWidth, 200 + halfWidth);
  }

  @Test
  void aStickyUserStaysOnOneVariant() {
    Map<String, String> first = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int user = 0; user < 150; user++) {
        Captured captured = new Captured();
        client
            .oip(Map.of("x-user-id", "user-" + user), captured)
            .modelInfer(DigitsRequests.oipRaw(one, "").build());
        String variant = captured.variant();
        assertThat(first.putIfAbsent("user-" + user, variant)).isIn(null, variant);
      }
    }
    assertThat(first.values()).contains("stable;version=1", "canary;version=2");
  }

  @Test
  void theOverrideHeaderForcesAVariant() {
    for (int i = 0; i < 50; i++) {
      Captured captured = new Captured();
      client
          .oip(Map.of("x-variant-override", "canary", "x-user-id", "user-1"), captured)
          .modelInfer(DigitsRequests.oipRaw(one, "").build());
      assertThat(captured.variant()).isEqualTo("canary;version=2");
    }
  }

  @Test
  void aModelWithoutARouteIsNotFound() {
    assertThatThrownBy(
            () ->
                client
                    .oip(Map.of(), new Captured())
                    .modelInfer(DigitsRequests.oipRaw(one, "").setModelName("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo("no route for model 'nope'");
            });
  }

  @Test
  void aVariantWithNoReachableEndpointIsUnavailableByName() {
    Captured captured = new Captured();
    assertThatThrownBy(
            () ->
                client
                    .oip(Map.of(), captured)
                    .modelInfer(DigitsRequests.oipRaw(one, "").setModelName("typo").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .startsWith("variant 'gone' of model 'typo'");
            });
    assertThat(captured.variant()).isEqualTo("gone");
  }

  @Test
  void modelServerStatusesPassThroughUnchanged() {
    Captured captured = new Captured();
    assertThatThrownBy(
            () ->
                client
                    .oip(Map.of("x-variant-override", "stable"), captured)
                    .modelInfer(DigitsRequests.oipRaw(one, "").setModelVersion("7").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("model 'digits' version 7 not found (loaded: [1])");
            });
    assertThat(captured.variant()).isEqualTo("stable");
  }
}
