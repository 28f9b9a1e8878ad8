package io.infergate.infer.gateway.config;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.observability.config.Bound;
import io.infergate.infer.observability.config.ConfigBinder;
import io.infergate.infer.observability.config.ConfigException;
import io.infergate.infer.observability.config.Source;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binds the gateway's configuration from its sources, lowest precedence first: defaults, the YAML
 * file, environment variables ({@link #ENVIRONMENT}), flags. Start-up and every hot reload go
 * through the same loader, so a reloaded file is checked exactly as the first one was.
 *
 * <pre>
 * host: 0.0.0.0
 * port: 8080
 * reloadCheckInterval: 1s
 * drainTimeout: 10s
 * discovery: {interval: 5s}
 * routes:
 *   - model: digits
 *     stickyHeader: x-user-id
 *     overrideHeader: x-variant-override
 *     shadow: {variant: candidate, fraction: 0.05, maxInFlight: 64, timeout: 2s}
 *     canaryDrift: {reference: stable, window: 5m, bucket: 10s, minAnswers: 100, fraction: 1}
 *     variants:
 *       - {name: stable, weight: 90, endpoints: ["10.0.0.1:8500"], rewrite: {version: "1"}}
 *       - {name: canary, weight: 10, endpoints: ["dns:///digits-canary.models.svc:8500"]}
 * </pre>
 *
 * <p>Unknown keys are errors, so a typo never silently changes routing, and every problem is
 * reported at once with its path: {@code routes[0].variants[1].weight: -5 (expected: >= 0)}.
 */
public final class GatewayConfigLoader {
  /** The variable that names the config file when {@code --config} is not given. */
  public static final String CONFIG_VARIABLE = "GATEWAY_CONFIG";

  /** The environment variables that set values, each to the key it sets. */
  public static final Map<String, String> ENVIRONMENT =
      Map.of(
          "GATEWAY_HOST",
          "host",
          "GATEWAY_PORT",
          "port",
          "GATEWAY_METRICS_PORT",
          "telemetry.metricsPort");

  private final Path file;
  private final Map<String, String> environment;
  private final Map<String, String> flags;

  /**
   * A loader of {@code file}, overridden by {@code environment} (of which only {@link #ENVIRONMENT}
   * is read) and by {@code flags} (keys such as {@code port} to their text).
   */
  public GatewayConfigLoader(
      Path file, Map<String, String> environment, Map<String, String> flags) {
    this.file = requireNonNull(file, "file");
    this.environment = Map.copyOf(environment);
    this.flags = new LinkedHashMap<>(flags);
  }

  /** A loader of {@code file} alone. */
  public static GatewayConfigLoader of(Path file) {
    return new GatewayConfigLoader(file, Map.of(), Map.of());
  }

  /** The file this loader reads. */
  public Path file() {
    return file;
  }

  /**
   * Binds the configuration from every source, with the report of each effective value.
   *
   * @throws ConfigException listing every problem of every source
   */
  public Bound<GatewayConfig> load() {
    ConfigBinder<GatewayConfig> binder =
        ConfigBinder.of(GatewayConfig.class).file(file).environment(environment, ENVIRONMENT);
    flags.forEach((key, text) -> binder.value(key, text, Source.FLAG));
    return binder.bind();
  }
}
