package io.infergate.infer.observability.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.infergate.infer.observability.telemetry.Telemetry;
import io.infergate.infer.observability.telemetry.TelemetryConfig;
import io.opentelemetry.api.metrics.Meter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard and Prometheus rules query only metrics the servers serve, under
 * the names Prometheus gives them. The names are rendered by the real exporter from the instruments
 * of the shared telemetry name list (unit "1" becomes {@code _ratio}, "s" {@code _seconds},
 * annotations like "{call}" vanish): a rename on either side fails here.
 */
class ShippedMonitoringTest {
  private static final Path MONITORING = Path.of("src/main/monitoring");
  private static final Pattern METRIC = Pattern.compile("\\binfergate_[a-z0-9_]+");

  /** Name, kind and unit of every instrument of the gateway and the model server. */
  private static final List<Instrument> INSTRUMENTS =
      List.of(
          new Instrument("infergate.gateway.calls", Kind.COUNTER, "{call}"),
          new Instrument("infergate.gateway.call.duration", Kind.HISTOGRAM, "s"),
          new Instrument("infergate.gateway.calls.in_flight", Kind.UP_DOWN_COUNTER, "{call}"),
          new Instrument("infergate.gateway.breaker.state", Kind.GAUGE, "1"),
          new Instrument("infergate.gateway.shed", Kind.COUNTER, "{call}"),
          new Instrument("infergate.gateway.fallbacks", Kind.COUNTER, "{call}"),
          new Instrument("infergate.gateway.retries", Kind.COUNTER, "{call}"),
          new Instrument("infergate.gateway.shadow.dropped", Kind.COUNTER, "{call}"),
          new Instrument("infergate.gateway.shadow.compared", Kind.COUNTER, "{prediction}"),
          new Instrument("infergate.gateway.shadow.top1_matches", Kind.COUNTER, "{prediction}"),
          new Instrument("infergate.gateway.shadow.abs_diff", Kind.COUNTER, ""),
          new Instrument("infergate.gateway.shadow.not_compared", Kind.COUNTER, "{call}"),
          new Instrument("infergate.gateway.canary.drift.psi", Kind.GAUGE, ""),
          new Instrument("infergate.gateway.canary.drift.jensen_shannon", Kind.GAUGE, ""),
          new Instrument("infergate.gateway.canary.window.predictions", Kind.GAUGE, "{prediction}"),
          new Instrument("infergate.gateway.canary.not_counted", Kind.COUNTER, "{call}"),
          new Instrument("infergate.model.calls", Kind.COUNTER, "{call}"),
          new Instrument("infergate.model.call.duration", Kind.HISTOGRAM, "s"),
          new Instrument("infergate.model.batch.size", Kind.HISTOGRAM, "{call}"),
          new Instrument("infergate.model.queue.depth", Kind.GAUGE, "{call}"),
          new Instrument("infergate.model.queue.wait", Kind.HISTOGRAM, "s"),
          new Instrument("infergate.model.run.duration", Kind.HISTOGRAM, "s"),
          new Instrument("infergate.model.versions.loaded", Kind.GAUGE, "{version}"),
          new Instrument("infergate.model.input.calls.checked", Kind.COUNTER, "{call}"),
          new Instrument("infergate.model.input.calls.flagged", Kind.COUNTER, "{call}"),
          new Instrument("infergate.model.input.values.checked", Kind.COUNTER, "{value}"),
          new Instrument("infergate.model.input.values.out_of_range", Kind.COUNTER, "{value}"),
          new Instrument("infergate.model.input.feature.out_of_range", Kind.COUNTER, "{value}"),
          new Instrument("infergate.model.drift.psi", Kind.GAUGE, ""),
          new Instrument("infergate.model.drift.jensen_shannon", Kind.GAUGE, ""),
          new Instrument("infergate.model.drift.feature.psi", Kind.GAUGE, ""),
          new Instrument("infergate.model.drift.window.rows", Kind.GAUGE, "{row}"));

  private static Set<String> served;

  @BeforeAll
  static void renderTheInstrumentsAsPrometheusServesThem() throws Exception {
    try (Telemetry telemetry = Telemetry.start("monitoring-test", TelemetryConfig.defaults(0))) {
      Meter meter = telemetry.openTelemetry().getMeter("io.infergate.test");
      INSTRUMENTS.forEach(instrument -> instrument.recordOnce(meter));
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(telemetry.metricsUrl())).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      served = metricNames(body);
    }
  }

  @Test
  void theDashboardQueriesOnlyServedMetricsAndShowsWhatItPromises() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(MONITORING.resolve("grafana/inference-gateway.json").toFile());
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
    dashboard.findValues("definition").forEach(query -> queries.add(query.asText()));
    Set<String> used = metricNames(String.join("\n", queries));

    assertThat(served).contains("infergate_gateway_breaker_state_ratio");
    assertThat(used).isSubsetOf(served);
    assertThat(used)
        .contains(
            "infergate_gateway_calls_total",
            "infergate_gateway_call_duration_seconds_bucket",
            "infergate_gateway_breaker_state_ratio",
            "infergate_gateway_fallbacks_total",
            "infergate_gateway_shed_total",
            "infergate_model_batch_size_bucket",
            "infergate_model_queue_depth",
            "infergate_model_input_calls_flagged_total",
            "infergate_model_drift_psi");
    // Stable and canary side by side: panels repeated per variant.
    assertThat(dashboard.findValues("repeat")).extracting(JsonNode::asText).contains("variant");
  }

  @Test
  void theShadowAgreementCountersAreServedUnderTheNamesTheReadmeQueries() {
    assertThat(served)
        .contains(
            "infergate_gateway_shadow_compared_total",
            "infergate_gateway_shadow_top1_matches_total",
            "infergate_gateway_shadow_abs_diff_total",
            "infergate_gateway_shadow_not_compared_total");
  }

  @Test
  void theCanaryDriftMetricsAreServedUnderTheNamesTheReadmeQueries() {
    assertThat(served)
        .contains(
            "infergate_gateway_canary_drift_psi",
            "infergate_gateway_canary_drift_jensen_shannon",
            "infergate_gateway_canary_window_predictions",
            "infergate_gateway_canary_not_counted_total");
  }

  @Test
  void theAlertRulesQueryOnlyServedMetrics() throws Exception {
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(MONITORING.resolve("prometheus/infergate-rules.yml").toFile());
    List<String> expressions = new ArrayList<>();
    rules.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
    Set<String> used = metricNames(String.join("\n", expressions));

    assertThat(used)
        .containsExactlyInAnyOrder(
            "infergate_gateway_calls_total",
            "infergate_gateway_call_duration_seconds_bucket",
            "infergate_gateway_call_duration_seconds_count",
            "infergate_model_input_calls_checked_total",
            "infergate_model_input_calls_flagged_total",
            "infergate_model_drift_psi",
            "infergate_gateway_shadow_compared_total",
            "infergate_gateway_shadow_top1_matches_total",
            "infergate_gateway_canary_drift_psi",
            "infergate_gateway_canary_window_predictions")
        .isSubsetOf(served);
  }

  @Test
  void theKubernetesManifestsAndAdapterRulesUseOnlyServedMetrics() throws Exception {
    // The HPA's calls-in-flight metric and the Prometheus adapter's rule for it (k8s/).
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("../k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        texts.add(Files.readString(file));
      }
    }
    Set<String> used = metricNames(String.join("\n", texts));

    assertThat(used).contains("infergate_gateway_calls_in_flight").isSubsetOf(served);
  }

  private static Set<String> metricNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }

  private enum Kind {
    COUNTER,
    UP_DOWN_COUNTER,
    HISTOGRAM,
    GAUGE
  }

  private record Instrument(String name, Kind kind, String unit) {
    void recordOnce(Meter meter) {
      switch (kind) {
        case COUNTER -> meter.counterBuilder(name).setUnit(unit).build().add(1);
        case UP_DOWN_COUNTER -> meter.upDownCounterBuilder(name).setUnit(unit).build().add(1);
        case HISTOGRAM -> meter.histogramBuilder(name).setUnit(unit).build().record(1);
        case GAUGE -> meter.gaugeBuilder(name).ofLongs().setUnit(unit).build().set(1);
      }
    }
  }
}
