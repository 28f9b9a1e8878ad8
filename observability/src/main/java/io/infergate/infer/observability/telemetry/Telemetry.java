package io.infergate.infer.observability.telemetry;

import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.config.Durations;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry of one process, built once at start with the SDK's autoconfiguration: from
 * {@link TelemetryConfig} as defaults and the standard {@code OTEL_*} variables over them. Metrics
 * are served at {@code /metrics} for Prometheus and, with an OTLP endpoint, pushed too; spans are
 * recorded only where an exporter takes them, so a process without one pays nothing for tracing.
 * Servers take {@link #openTelemetry()}, the API alone.
 */
public final class Telemetry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");
  private static final AttributeKey<String> SERVICE_INSTANCE =
      AttributeKey.stringKey("service.instance.id");

  /** Parent-based, new traces at a ratio: the default, whose ratio the servers apply. */
  private static final String ROOT_RATIO_SAMPLER = "parentbased_traceidratio";

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final HTTPServer metricsServer;
  private final String metricsUrl;

  private Telemetry(
      OpenTelemetry openTelemetry,
      OpenTelemetrySdk sdk,
      HTTPServer metricsServer,
      String metricsUrl) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.metricsServer = metricsServer;
    this.metricsUrl = metricsUrl;
  }

  /** No telemetry at all: what tests and embedded servers get unless they ask. */
  public static Telemetry off() {
    return new Telemetry(OpenTelemetry.noop(), null, null, null);
  }

  /**
   * Builds the SDK for {@code serviceName} ({@code gateway}, {@code model-server}) and starts the
   * metrics endpoint.
   *
   * @throws UncheckedIOException {@code cannot listen on HOST:PORT for metrics: REASON}
   * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException for a bad {@code OTEL_*}
   *     value
   */
  public static Telemetry start(String serviceName, TelemetryConfig config) {
    PrometheusMetricReader prometheus =
        config.metricsEnabled() ? new PrometheusMetricReader(attribute -> false) : null;
    AtomicBoolean tracesExported = new AtomicBoolean();
    TalliedHistograms histograms = TalliedHistograms.create();
    AtomicBoolean metricsRead = new AtomicBoolean();
    AtomicReference<RootSampler> roots = new AtomicReference<>(RootSampler.SDK);
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults(serviceName, config))
            .addResourceCustomizer(
                (resource, properties) ->
                    resource.merge(
                        Resource.create(
                            Attributes.of(
                                SERVICE_VERSION,
                                ProjectVersion.current(),
                                SERVICE_INSTANCE,
                                UUID.randomUUID().toString()))))
            .addTracerProviderCustomizer(
                (tracers, properties) -> {
                  List<String> exporters = properties.getList("otel.traces.exporter");
                  tracesExported.set(!exporters.isEmpty() && !exporters.equals(List.of("none")));
                  // Our default sampler (or the same one named in OTEL_TRACES_SAMPLER): the
                  // servers decide on new traces before building a span, and the SDK records
                  // every one they send it. Any other sampler keeps deciding alone.
                  if (ROOT_RATIO_SAMPLER.equals(properties.getString("otel.traces.sampler"))) {
                    roots.set(
                        RootSampler.ratio(properties.getDouble("otel.traces.sampler.arg", 1.0)));
                    return tracers.setSampler(Sampler.parentBased(Sampler.alwaysOn()));
                  }
                  return tracers;
                })
            .addMeterProviderCustomizer(
                (meters, properties) -> {
                  SpanProcessorMetrics.rename(meters);
                  List<String> exporters = properties.getList("otel.metrics.exporter");
                  metricsRead.set(
                      prometheus != null
                          || (!exporters.isEmpty() && !exporters.equals(List.of("none"))));
                  meters.registerMetricProducer(histograms);
                  return prometheus == null ? meters : meters.registerMetricReader(prometheus);
                })
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    HTTPServer server = null;
    String url = null;
    if (prometheus != null) {
      PrometheusRegistry registry = new PrometheusRegistry();
      registry.register(TargetInfoHelp.around(prometheus));
      try {
        server =
            HTTPServer.builder()
                .hostname(config.metricsHost())
                .port(config.metricsPort())
                .registry(registry)
                .buildAndStart();
      } catch (IOException e) {
        sdk.close();
        throw new UncheckedIOException(
            "cannot listen on "
                + config.metricsHost()
                + ":"
                + config.metricsPort()
                + " for metrics: "
                + e.getMessage(),
            e);
      }
      String host = "0.0.0.0".equals(config.metricsHost()) ? "127.0.0.1" : config.metricsHost();
      url = "http://" + host + ":" + server.getPort() + "/metrics";
    }
    // Without an exporter, spans would be built and dropped: the API's no-op tracer costs nothing,
    // and context still propagates. Without a reader, nothing collects the tallied histograms.
    OpenTelemetry api =
        new RecordingOpenTelemetry(
            tracesExported.get()
                ? sdk
                : new MetricsOnly(sdk.getMeterProvider(), sdk.getPropagators()),
            metricsRead.get() ? histograms : null,
            roots.get());
    log.info(
        "Telemetry: traces {}, metrics {}{}",
        tracesExported.get()
            ? "exported (sampling " + config.traceSampleRatio() + " of new traces)"
            : "off (no exporter)",
        url == null ? "not served" : "on " + url,
        config.otlpEndpoint() == null
            ? ""
            : ", OTLP "
                + config.otlpProtocol().configName()
                + " to "
                + config.otlpEndpoint()
                + " every "
                + Durations.format(config.otlpMetricsInterval()));
    return new Telemetry(api, sdk, server, url);
  }

  /** The API the servers record through. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** {@code http://HOST:PORT/metrics}, or null when metrics are not served. */
  public String metricsUrl() {
    return metricsUrl;
  }

  /** Exports what is pending (up to 10 s) and stops the metrics endpoint. */
  @Override
  public void close() {
    if (metricsServer != null) {
      metricsServer.close();
    }
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static Map<String, String> defaults(String serviceName, TelemetryConfig config) {
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.service.name", serviceName);
    String exporter = config.otlpEndpoint() == null ? "none" : "otlp";
    properties.put("otel.traces.exporter", exporter);
    properties.put("otel.metrics.exporter", exporter);
    properties.put("otel.logs.exporter", "none");
    if (config.otlpEndpoint() != null) {
      properties.put("otel.exporter.otlp.endpoint", config.otlpEndpoint());
      properties.put("otel.exporter.otlp.protocol", config.otlpProtocol().configName());
    }
    properties.put("otel.traces.sampler", ROOT_RATIO_SAMPLER);
    properties.put("otel.traces.sampler.arg", Double.toString(config.traceSampleRatio()));
    properties.put(
        "otel.metric.export.interval", Long.toString(config.otlpMetricsInterval().toMillis()));
    return properties;
  }

  /** The SDK's meters and propagators with the API's no-op tracers. */
  private record MetricsOnly(MeterProvider meters, ContextPropagators propagators)
      implements OpenTelemetry {
    @Override
    public TracerProvider getTracerProvider() {
      return TracerProvider.noop();
    }

    @Override
    public MeterProvider getMeterProvider() {
      return meters;
    }

    @Override
    public ContextPropagators getPropagators() {
      return propagators;
    }
  }
}
