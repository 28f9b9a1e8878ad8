package io.infergate.infer.observability.telemetry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.infergate.infer.observability.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's telemetry (config key {@code telemetry}, the same on the gateway and the model
 * server). The standard {@code OTEL_*} environment variables (and {@code -Dotel.*} properties) are
 * read too and win over these keys, so a deployment can point every process at its collector
 * without touching their files.
 *
 * @param metricsPort the port of the Prometheus {@code /metrics} endpoint; 0 any free port (the
 *     default is the process's own: 9464 for the gateway, 9465 for the model server)
 * @param metricsHost the address the metrics endpoint binds (default 0.0.0.0)
 * @param metricsEnabled whether {@code /metrics} is served at all (default true)
 * @param otlpEndpoint where traces and metrics are pushed over OTLP, such as {@code
 *     http://collector:4317}; absent, nothing is pushed and no span is recorded
 * @param otlpProtocol {@code grpc} (default) or {@code http/protobuf}
 * @param traceSampleRatio the share of new traces recorded, 0..1; a call whose caller sampled its
 *     trace is always recorded, one whose caller did not never (parent-based; default 0.01)
 * @param otlpMetricsInterval how often metrics are pushed over OTLP (default 60s)
 */
public record TelemetryConfig(
    Integer metricsPort,
    String metricsHost,
    Boolean metricsEnabled,
    @JsonInclude(JsonInclude.Include.NON_NULL) String otlpEndpoint,
    OtlpProtocol otlpProtocol,
    Double traceSampleRatio,
    Duration otlpMetricsInterval) {

  /** The default {@code traceSampleRatio}: enough traces to see every kind of call, cheap. */
  public static final double DEFAULT_TRACE_SAMPLE_RATIO = 0.01;

  /** The default {@code otlpMetricsInterval}, OpenTelemetry's own. */
  public static final Duration DEFAULT_OTLP_METRICS_INTERVAL = Duration.ofSeconds(60);

  /**
   * Fills in the defaults but the metrics port (a process's own, see {@link #withMetricsPort}) and
   * validates.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public TelemetryConfig {
    metricsHost = metricsHost != null ? metricsHost : "0.0.0.0";
    metricsEnabled = metricsEnabled != null ? metricsEnabled : Boolean.TRUE;
    otlpProtocol = otlpProtocol != null ? otlpProtocol : OtlpProtocol.GRPC;
    traceSampleRatio = traceSampleRatio != null ? traceSampleRatio : DEFAULT_TRACE_SAMPLE_RATIO;
    otlpMetricsInterval =
        otlpMetricsInterval != null ? otlpMetricsInterval : DEFAULT_OTLP_METRICS_INTERVAL;
    List<String> problems = new ArrayList<>();
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
      problems.add("metricsPort: " + metricsPort + " (expected: 0..65535)");
    }
    if (metricsHost.isBlank()) {
      problems.add("metricsHost: \"\" (expected: an address such as 0.0.0.0 or 127.0.0.1)");
    }
    if (otlpEndpoint != null
        && !(otlpEndpoint.startsWith("http://") || otlpEndpoint.startsWith("https://"))) {
      problems.add(
          "otlpEndpoint: \"" + otlpEndpoint + "\" (expected: a URL such as http://collector:4317)");
    }
    if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) {
      problems.add("traceSampleRatio: " + traceSampleRatio + " (expected: 0..1)");
    }
    if (otlpMetricsInterval.compareTo(Duration.ofSeconds(1)) < 0
        || otlpMetricsInterval.compareTo(Duration.ofHours(1)) > 0) {
      problems.add(
          "otlpMetricsInterval: "
              + Durations.format(otlpMetricsInterval)
              + " (expected: a duration in 1s..1h)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** Every value at its default, {@code metricsPort} the process's own. */
  public static TelemetryConfig defaults(int metricsPort) {
    return new TelemetryConfig(metricsPort, null, null, null, null, null, null);
  }

  /** This configuration, with {@code port} as the metrics port if the file gave none. */
  public TelemetryConfig withMetricsPort(int port) {
    return metricsPort != null
        ? this
        : new TelemetryConfig(
            port,
            metricsHost,
            metricsEnabled,
            otlpEndpoint,
            otlpProtocol,
            traceSampleRatio,
            otlpMetricsInterval);
  }

  /** The two OTLP encodings OpenTelemetry's exporters speak. */
  public enum OtlpProtocol {
    GRPC("grpc"),
    HTTP_PROTOBUF("http/protobuf");

    private final String configName;

    OtlpProtocol(String configName) {
      this.configName = configName;
    }

    /** Reads the config file's name. */
    @JsonCreator
    public static OtlpProtocol of(String name) {
      for (OtlpProtocol protocol : values()) {
        if (protocol.configName.equals(name)) {
          return protocol;
        }
      }
      throw new IllegalArgumentException("\"" + name + "\" (expected: grpc or http/protobuf)");
    }

    /** The name in the config file and in {@code otel.exporter.otlp.protocol}. */
    @JsonValue
    public String configName() {
      return configName;
    }
  }
}
