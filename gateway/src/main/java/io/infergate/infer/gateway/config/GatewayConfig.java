package io.infergate.infer.gateway.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.infergate.infer.gateway.config.YamlNodes.RouteNode;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.telemetry.TelemetryConfig;
import io.infergate.infer.observability.transport.ConnectionLimits;
import io.infergate.infer.observability.transport.ServerTls;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's whole configuration: one immutable value, bound by {@link GatewayConfigLoader} from
 * one YAML file, environment variables and flags. Its routes are the router's own types: the file's
 * endpoints are parsed, its policies are enums and its durations are typed once, here, and every
 * routing rule is the router's. A reload builds a new value; nothing mutates this one.
 *
 * @param host address to bind
 * @param port gRPC port; 0 picks a free one
 * @param reloadCheckInterval how often the file is checked for changes; zero turns hot reload off
 * @param drainTimeout how long in-flight calls may finish on shutdown, and how long channels to
 *     endpoints that a reload removed stay open for the calls still using them
 * @param reflection whether the port serves gRPC server reflection (default true, as grpcurl, ghz
 *     and bin/loadtest use it); set false on a port that untrusted callers reach
 * @param maxInboundMessageBytes the largest message accepted from a caller or a model server,
 *     counted after decompression, so a small gzip body that would inflate past it is refused with
 *     RESOURCE_EXHAUSTED before it is buffered (default 64 MiB, the model server's default)
 * @param maxPeekedFields the most fields of a request body read to find its model (the top level's
 *     and model_spec's together; default 4,096); a body with more is refused with INVALID_ARGUMENT,
 *     which bounds the event loop's work per request. Read at start-up.
 * @param connections what one caller's connection may ask of the gateway's server
 * @param tls TLS, and optionally mutual TLS, on the callers' port; null, the port is plaintext
 * @param upstream keepalive and TLS of the channels to model servers
 * @param discovery how often the routes' {@code dns:///} endpoints are resolved again
 * @param telemetry metrics endpoint, OTLP export and trace sampling
 * @param routes one route per model name; each variant carries its {@link Rewrite}
 * @param admin the release-control port; null, there is none
 * @param warmup how the forwarding path is warmed, with calls through the gateway to each route's
 *     model servers, before the gateway reports SERVING (default: on, settled latency or 20s, and
 *     over as soon as no model server answers)
 */
public record GatewayConfig(
    String host,
    int port,
    Duration reloadCheckInterval,
    Duration drainTimeout,
    boolean reflection,
    int maxInboundMessageBytes,
    int maxPeekedFields,
    ConnectionLimits connections,
    ServerTls tls,
    UpstreamConfig upstream,
    DiscoveryConfig discovery,
    TelemetryConfig telemetry,
    RoutingTable<Rewrite> routes,
    AdminConfig admin,
    WarmupConfig warmup) {
  /** Address bound when no source sets {@code host}. */
  public static final String DEFAULT_HOST = "0.0.0.0";

  /** Port bound when no source sets {@code port}. */
  public static final int DEFAULT_PORT = 8080;

  /** Where {@code /metrics} is served when the file does not say: the Prometheus exporter's own. */
  public static final int DEFAULT_METRICS_PORT = 9464;

  /** How often the file is checked when it does not say. */
  public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(1);

  /** How long calls may drain when the file does not say. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /** Reflection is served when the file does not say: a development convenience. */
  public static final boolean DEFAULT_REFLECTION = true;

  /**
   * The largest message accepted when the file does not say: the model server's default, so the
   * gateway refuses what its model servers would refuse anyway, before buffering it.
   */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  /** The smallest {@code maxInboundMessageBytes}, as on the model server. */
  public static final int MIN_INBOUND_MESSAGE_BYTES = 1024;

  /**
   * The most fields read to find a request's model when the file does not say: far more than a
   * request with hundreds of inputs has at its top level, and a few microseconds of event-loop time
   * at worst, where a 64 MiB body of empty fields would be millions.
   */
  public static final int DEFAULT_MAX_PEEKED_FIELDS = 4096;

  /** A body's routing fields, its id and a few inputs must fit under {@code maxPeekedFields}. */
  public static final int MIN_PEEKED_FIELDS = 16;

  /** Longer intervals and timeouts are typos (a unit too large), not settings. */
  private static final Duration MAX_DURATION = Duration.ofHours(1);

  /**
   * Validates the configuration.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public GatewayConfig {
    List<String> problems =
        check(
            host, port, reloadCheckInterval, drainTimeout, maxInboundMessageBytes, maxPeekedFields);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    requireNonNull(connections, "connections");
    requireNonNull(upstream, "upstream");
    requireNonNull(discovery, "discovery");
    requireNonNull(telemetry, "telemetry");
    requireNonNull(routes, "routes");
    requireNonNull(warmup, "warmup");
  }

  /**
   * Builds the configuration from the YAML shape; absent keys (null) take their defaults. Routes
   * from the file arrive already built by the router; the router's table checks that no two are for
   * one model.
   */
  @JsonCreator
  static GatewayConfig fromYaml(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("reloadCheckInterval") Duration reloadCheckInterval,
      @JsonProperty("drainTimeout") Duration drainTimeout,
      @JsonProperty("reflection") Boolean reflection,
      @JsonProperty("maxInboundMessageBytes") Integer maxInboundMessageBytes,
      @JsonProperty("maxPeekedFields") Integer maxPeekedFields,
      @JsonProperty("connections") ConnectionLimits connections,
      @JsonProperty("tls") ServerTls tls,
      @JsonProperty("upstream") UpstreamConfig upstream,
      @JsonProperty("discovery") DiscoveryConfig discovery,
      @JsonProperty("telemetry") TelemetryConfig telemetry,
      @JsonProperty("routes") List<RouteNode> routes,
      @JsonProperty("admin") AdminConfig admin,
      @JsonProperty("warmup") WarmupConfig warmup) {
    String bound = host == null ? DEFAULT_HOST : host;
    int listen = port == null ? DEFAULT_PORT : port;
    Duration reload =
        reloadCheckInterval == null ? DEFAULT_RELOAD_CHECK_INTERVAL : reloadCheckInterval;
    Duration drain = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
    int maxMessage =
        maxInboundMessageBytes == null ? DEFAULT_MAX_INBOUND_MESSAGE_BYTES : maxInboundMessageBytes;
    int maxPeeked = maxPeekedFields == null ? DEFAULT_MAX_PEEKED_FIELDS : maxPeekedFields;
    List<String> problems = check(bound, listen, reload, drain, maxMessage, maxPeeked);
    RoutingTable<Rewrite> table = null;
    if (routes == null || routes.isEmpty()) {
      problems.add(
          "routes: " + (routes == null ? "missing" : "[]") + " (expected: at least one route)");
    } else {
      List<Route<Rewrite>> built = new ArrayList<>();
      for (int i = 0; i < routes.size(); i++) {
        String key = "routes[" + i + "]";
        if (routes.get(i) == null) {
          problems.add(key + ": missing (expected: a route)");
        } else {
          Route<Rewrite> route = YamlNodes.built(key, routes.get(i), RouteNode::route, problems);
          if (route != null) {
            built.add(route);
          }
        }
      }
      try {
        table = RoutingTable.of(built);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new GatewayConfig(
        bound,
        listen,
        reload,
        drain,
        reflection == null ? DEFAULT_REFLECTION : reflection,
        maxMessage,
        maxPeeked,
        connections == null ? ConnectionLimits.DEFAULT : connections,
        tls,
        upstream == null ? UpstreamConfig.DEFAULT : upstream,
        discovery == null ? DiscoveryConfig.DEFAULT : discovery,
        telemetry == null
            ? TelemetryConfig.defaults(DEFAULT_METRICS_PORT)
            : telemetry.withMetricsPort(DEFAULT_METRICS_PORT),
        table,
        admin,
        warmup == null ? WarmupConfig.DEFAULT : warmup);
  }

  /** The YAML shape of the effective values, which the binder reports line by line. */
  @JsonValue
  Map<String, Object> yaml() {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("host", host);
    yaml.put("port", port);
    yaml.put("reloadCheckInterval", reloadCheckInterval);
    yaml.put("drainTimeout", drainTimeout);
    yaml.put("reflection", reflection);
    yaml.put("maxInboundMessageBytes", maxInboundMessageBytes);
    yaml.put("maxPeekedFields", maxPeekedFields);
    yaml.put("connections", connections);
    if (tls != null) {
      yaml.put("tls", tls);
    }
    yaml.put("upstream", upstream);
    yaml.put("discovery", discovery);
    yaml.put("telemetry", telemetry);
    yaml.put("routes", routes.routes().stream().map(YamlNodes::describe).toList());
    if (admin != null) {
      yaml.put("admin", admin);
    }
    yaml.put("warmup", warmup);
    return yaml;
  }

  private static List<String> check(
      String host,
      int port,
      Duration reloadCheckInterval,
      Duration drainTimeout,
      int maxInboundMessageBytes,
      int maxPeekedFields) {
    List<String> problems = new ArrayList<>();
    if (host == null || host.isBlank()) {
      problems.add("host: \"" + host + "\" (expected: non-blank)");
    }
    if (port < 0 || port > 65_535) {
      problems.add("port: " + port + " (expected: 0..65535)");
    }
    checkDuration(problems, "reloadCheckInterval", reloadCheckInterval);
    checkDuration(problems, "drainTimeout", drainTimeout);
    if (maxInboundMessageBytes < MIN_INBOUND_MESSAGE_BYTES) {
      problems.add(
          "maxInboundMessageBytes: "
              + maxInboundMessageBytes
              + " (expected: an integer in "
              + MIN_INBOUND_MESSAGE_BYTES
              + ".."
              + Integer.MAX_VALUE
              + ")");
    }
    if (maxPeekedFields < MIN_PEEKED_FIELDS) {
      problems.add(
          "maxPeekedFields: "
              + maxPeekedFields
              + " (expected: an integer in "
              + MIN_PEEKED_FIELDS
              + ".."
              + Integer.MAX_VALUE
              + ")");
    }
    return problems;
  }

  private static void checkDuration(List<String> problems, String key, Duration value) {
    if (value == null) {
      problems.add(key + ": missing (expected: 0s..1h)");
    } else if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
      problems.add(key + ": " + Durations.format(value) + " (expected: 0s..1h)");
    }
  }
}
