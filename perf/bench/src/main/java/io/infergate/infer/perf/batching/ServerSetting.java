package io.infergate.infer.perf.batching;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One batched server of a side-by-side comparison: a name for the report and the server's config as
 * a YAML flow mapping, such as {@code telemetry off={telemetry: {metricsEnabled: false}}}.
 *
 * @param name how the report names the server
 * @param yaml the server's config file, where {@link #OTLP_SINK} stands for the run's OTLP sink
 */
record ServerSetting(String name, String yaml) {
  /** Stands for the OTLP/HTTP endpoint of the sink the run starts. */
  static final String OTLP_SINK = "OTLP_SINK";

  ServerSetting {
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: \"\" (expected: NAME=YAML with a name)");
    }
  }

  /** {@code NAME=YAML}, split at the first {@code =}. */
  static ServerSetting parse(String text) {
    int at = text.indexOf('=');
    if (at < 0) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" (expected: NAME=YAML, e.g. 'off={telemetry: {metricsEnabled: false}}')");
    }
    return new ServerSetting(text.substring(0, at).trim(), text.substring(at + 1).trim());
  }

  /** Telemetry off: no metrics endpoint, no exporter, so no span is built. */
  static ServerSetting telemetryOff() {
    return new ServerSetting("telemetry off", "{telemetry: {metricsEnabled: false}}");
  }

  /**
   * Metrics served, and {@code ratio} of new traces exported over OTLP/HTTP to the run's sink, as
   * the gateway's telemetry-overhead runs configure it.
   */
  static ServerSetting metricsAndTracing(double ratio) {
    return new ServerSetting(
        "metrics + " + percent(ratio) + " tracing",
        "{telemetry: {metricsPort: 0, traceSampleRatio: "
            + ratio
            + ", otlpEndpoint: "
            + OTLP_SINK
            + ", otlpProtocol: http/protobuf}}");
  }

  /** Whether this server exports to the run's sink. */
  boolean needsSink() {
    return yaml.contains(OTLP_SINK);
  }

  /** The name without blanks or symbols, for the server's log and config files. */
  String fileName() {
    return name.replaceAll("[^A-Za-z0-9.]+", "-");
  }

  /**
   * Writes the config into {@code dir} ({@code sinkEndpoint} in place of {@link #OTLP_SINK}) and
   * returns the server's arguments: batched, with that config.
   */
  List<String> serverArgs(Path dir, String sinkEndpoint) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName() + ".yaml");
    Files.writeString(
        file, (sinkEndpoint == null ? yaml : yaml.replace(OTLP_SINK, sinkEndpoint)) + "\n");
    return List.of("--batching", "--config", file.toString());
  }

  private static String percent(double ratio) {
    double percent = ratio * 100;
    return (percent == Math.rint(percent)
            ? Long.toString((long) percent)
            : Double.toString(percent))
        + " %";
  }
}
