package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import io.infergate.infer.modelserver.ModelServer;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.observability.telemetry.Telemetry;
import io.infergate.infer.observability.telemetry.TelemetryConfig;
import io.infergate.infer.observability.testing.OtlpReceiver;
import io.infergate.infer.observability.testing.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry of the whole path, as the processes set it up: a real gateway in front of a real
 * TensorFlow model server, each with its own OpenTelemetry SDK exporting over OTLP/gRPC to a
 * collector's services inside the test, and each serving Prometheus {@code /metrics}. One call must
 * arrive as one trace from both services, the model server's span a child of the gateway's.
 */
class TelemetryIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path scratch;
  static OtlpReceiver collector;
  static Telemetry modelServerTelemetry;
  static Telemetry gatewayTelemetry;
  static ModelServer modelServer;
  static Gateway gateway;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    collector = OtlpReceiver.start();
    // Every trace recorded, metrics on free ports, pushed to the collector.
    TelemetryConfig telemetry =
        new TelemetryConfig(0, "127.0.0.1", true, collector.endpoint(), null, 1.0, null);
    modelServerTelemetry = Telemetry.start("model-server", telemetry);
    gatewayTelemetry = Telemetry.start("gateway", telemetry);
    modelServer =
        ModelServer.start(
            TestConfigs.of(DigitsServers.repository(1, scratch), "warmup: {enabled: false}"),
            modelServerTelemetry.openTelemetry());
    Path file = DigitsServers.config(scratch, "stable 1 " + modelServer.port());
    // No warm-up on either: its calls would be counted too, and these tests count calls exactly.
    Files.writeString(file, Files.readString(file) + "\nwarmup: {enabled: false}\n");
    gateway =
        Gateway.start(
            GatewayConfigLoader.of(file).load().value(), gatewayTelemetry.openTelemetry());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    gateway.close();
    modelServer.close();
    gatewayTelemetry.close();
    modelServerTelemetry.close();
    collector.close();
  }

  @Test
  void oneCallArrivesAsOneTraceFromBothServicesWithTheModelServersSpanUnderTheGateways()
      throws Exception {
    DigitsDataset heldOut = DigitsDataset.load().split().validation();
    DigitsServers.classify(channel, heldOut, 0);
    // Closing would flush; the batch span processor exports within its 5 s schedule anyway.
    org.awaitility.Awaitility.await()
        .atMost(20, TimeUnit.SECONDS)
        .until(() -> services(collector.spans()).containsAll(List.of("gateway", "model-server")));

    // The other test's call may be there too: take the trace of one model-server span.
    ByteString oneTrace =
        collector.spans().stream()
            .filter(s -> s.service().equals("model-server"))
            .findFirst()
            .orElseThrow()
            .span()
            .getTraceId();
    List<ReceivedSpan> spans =
        collector.spans().stream().filter(s -> s.span().getTraceId().equals(oneTrace)).toList();
    ReceivedSpan gatewayServer = only(spans, "gateway", SpanKind.SPAN_KIND_SERVER);
    ReceivedSpan gatewayClient = only(spans, "gateway", SpanKind.SPAN_KIND_CLIENT);
    ReceivedSpan modelServerSpan = only(spans, "model-server", SpanKind.SPAN_KIND_SERVER);
    ByteString trace = gatewayServer.span().getTraceId();

    assertThat(gatewayClient.span().getTraceId()).isEqualTo(trace);
    assertThat(modelServerSpan.span().getTraceId()).isEqualTo(trace);
    assertThat(gatewayClient.span().getParentSpanId()).isEqualTo(gatewayServer.span().getSpanId());
    assertThat(modelServerSpan.span().getParentSpanId())
        .isEqualTo(gatewayClient.span().getSpanId());
    assertThat(gatewayServer.span().getName())
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");
    assertThat(gatewayServer.attribute("infergate.model")).isEqualTo("digits");
    assertThat(gatewayClient.attribute("infergate.variant")).isEqualTo("stable");
    assertThat(modelServerSpan.attribute("infergate.model")).isEqualTo("digits");
    // The README shows this rendering of one call's trace.
    System.out.println(render(spans, gatewayServer, ""));
  }

  /** The trace under {@code root} as an indented tree: service, span, kind, duration. */
  private static String render(List<ReceivedSpan> spans, ReceivedSpan root, String indent) {
    io.opentelemetry.proto.trace.v1.Span span = root.span();
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%s%-13s %-45s %-8s %7.2f ms%s%n",
                indent,
                root.service(),
                span.getName(),
                span.getKind().name().replace("SPAN_KIND_", ""),
                (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6,
                root.attribute("infergate.variant") == null
                    ? ""
                    : "  variant=" + root.attribute("infergate.variant")));
    for (ReceivedSpan child : spans) {
      if (child.span().getParentSpanId().equals(span.getSpanId())) {
        out.append(render(spans, child, indent + "  "));
      }
    }
    return out.toString();
  }

  @Test
  void bothServersServeTheirMetricsForPrometheus() throws Exception {
    DigitsServers.classify(channel, DigitsDataset.load().split().validation(), 1);

    String gatewayMetrics = scrape(gatewayTelemetry.metricsUrl());
    String modelServerMetrics = scrape(modelServerTelemetry.metricsUrl());

    assertThat(gatewayMetrics).contains("infergate_gateway_calls_total{");
    assertThat(modelServerMetrics).contains("infergate_model_calls_total{");
    Files.writeString(scratch.resolve("gateway.prom"), gatewayMetrics);
    Files.writeString(scratch.resolve("model-server.prom"), modelServerMetrics);
    Promtool.checkMetrics(scratch.resolve("gateway.prom"));
    Promtool.checkMetrics(scratch.resolve("model-server.prom"));
  }

  private static List<String> services(List<ReceivedSpan> spans) {
    return spans.stream().map(ReceivedSpan::service).distinct().toList();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String service, SpanKind kind) {
    List<ReceivedSpan> matching =
        spans.stream()
            .filter(s -> s.service().equals(service) && s.span().getKind() == kind)
            .toList();
    assertThat(matching).as("%s spans of %s in %s", kind, service, spans).hasSize(1);
    return matching.get(0);
  }

  private static String scrape(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
