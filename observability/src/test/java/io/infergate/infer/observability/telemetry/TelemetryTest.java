package io.infergate.infer.observability.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.infergate.infer.observability.testing.OtlpReceiver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The process telemetry as the servers start it: metrics served, tracing only with an exporter. */
class TelemetryTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void metricsRecordedThroughTheApiAreServedAtTheMetricsUrl() throws Exception {
    try (Telemetry telemetry = Telemetry.start("test-service", TelemetryConfig.defaults(0))) {
      telemetry
          .openTelemetry()
          .getMeter("test")
          .counterBuilder("infergate.test.calls")
          .setUnit("{call}")
          .build()
          .add(3);

      String body = get(telemetry.metricsUrl());

      assertThat(telemetry.metricsUrl()).matches("http://127\\.0\\.0\\.1:\\d+/metrics");
      assertThat(body).contains("infergate_test_calls_total{otel_scope_name=\"test\"} 3.0");
      assertThat(body).contains("target_info{").contains("service_name=\"test-service\"");
    }
  }

  @Test
  void withoutAnExporterSpansAreNotRecordedAndWithOneTheyAreExported() throws Exception {
    try (Telemetry off = Telemetry.start("test-service", TelemetryConfig.defaults(0))) {
      Span span = off.openTelemetry().getTracer("test").spanBuilder("call").startSpan();
      assertThat(span.getSpanContext().isValid()).isFalse();
      span.end();
    }
    List<String> posted = new CopyOnWriteArrayList<>();
    HttpServer receiver = otlpHttpReceiver(posted);
    try {
      TelemetryConfig exported = otlpHttpTo(receiver, 1.0);
      try (Telemetry on = Telemetry.start("test-service", exported)) {
        Span span = on.openTelemetry().getTracer("test").spanBuilder("call").startSpan();
        assertThat(span.getSpanContext().isSampled()).isTrue();
        span.end();
        assertThat(on.metricsUrl()).isNull();
      }
      // Closing flushes, waiting at most 10 s: on a loaded machine the export may land after.
      await().atMost(Duration.ofSeconds(60)).until(() -> posted.contains("/v1/traces"));
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void withTheDefaultSamplerTheServersTakeTheRatioAndTheSdkRecordsWhatTheySample()
      throws Exception {
    HttpServer receiver = otlpHttpReceiver(new CopyOnWriteArrayList<>());
    try {
      TelemetryConfig config = otlpHttpTo(receiver, 0.01);
      try (Telemetry telemetry = Telemetry.start("test-service", config)) {
        OpenTelemetry otel = telemetry.openTelemetry();
        assertThat(RootSampler.of(otel).ratio()).isEqualTo(0.01);
        // What a server sampled reaches the SDK, which records it: no second draw at 1 %.
        for (int i = 0; i < 100; i++) {
          Span span = otel.getTracer("test").spanBuilder("call").startSpan();
          assertThat(span.isRecording()).isTrue();
          span.end();
        }
      }
    } finally {
      receiver.stop(0);
    }
    assertThat(RootSampler.of(OpenTelemetry.noop())).isSameAs(RootSampler.SDK);
  }

  /** Metrics not served; traces and metrics pushed over OTLP/HTTP to {@code receiver}. */
  private static TelemetryConfig otlpHttpTo(HttpServer receiver, double traceSampleRatio) {
    return new TelemetryConfig(
        null,
        null,
        false,
        "http://127.0.0.1:" + receiver.getAddress().getPort(),
        TelemetryConfig.OtlpProtocol.HTTP_PROTOBUF,
        traceSampleRatio,
        null);
  }

  /** An OTLP/HTTP receiver that answers every export and records which paths were posted to. */
  private static HttpServer otlpHttpReceiver(List<String> posted) throws IOException {
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          posted.add(exchange.getRequestURI().getPath());
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    return receiver;
  }

  @Test
  void spansAndMetricsArePushedOverOtlpGrpcToACollectorsServices() {
    try (OtlpReceiver collector = OtlpReceiver.start()) {
      TelemetryConfig config =
          new TelemetryConfig(null, null, false, collector.endpoint(), null, 1.0, null);
      try (Telemetry telemetry = Telemetry.start("test-service", config)) {
        telemetry.openTelemetry().getTracer("test").spanBuilder("call").startSpan().end();
        telemetry
            .openTelemetry()
            .getMeter("test")
            .counterBuilder("infergate.test.calls")
            .build()
            .add(1);
      }
      // Closing flushes, but waits at most 10 s: on a loaded machine the export may land after.
      await().atMost(Duration.ofSeconds(60)).until(() -> !collector.spans().isEmpty());
      await().atMost(Duration.ofSeconds(60)).until(() -> !collector.metrics().isEmpty());
      assertThat(collector.spans())
          .singleElement()
          .satisfies(
              span -> {
                assertThat(span.service()).isEqualTo("test-service");
                assertThat(span.span().getName()).isEqualTo("call");
              });
      assertThat(collector.metrics()).isNotEmpty();
    }
  }

  @Test
  void aMetricsPortInUseIsReportedWithTheAddress() {
    try (Telemetry first = Telemetry.start("a", TelemetryConfig.defaults(0))) {
      int port = URI.create(first.metricsUrl()).getPort();
      TelemetryConfig same = new TelemetryConfig(port, null, null, null, null, null, null);
      assertThatThrownBy(() -> Telemetry.start("b", same))
          .hasMessageStartingWith("cannot listen on 0.0.0.0:" + port + " for metrics: ");
    }
  }

  @Test
  void badValuesAreNamedByTheirKeys() {
    assertThatThrownBy(
            () -> new TelemetryConfig(70000, " ", null, "collector:4317", null, 1.5, null))
        .hasMessage(
            String.join(
                "\n",
                "metricsPort: 70000 (expected: 0..65535)",
                "metricsHost: \"\" (expected: an address such as 0.0.0.0 or 127.0.0.1)",
                "otlpEndpoint: \"collector:4317\" (expected: a URL such as http://collector:4317)",
                "traceSampleRatio: 1.5 (expected: 0..1)"));
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
