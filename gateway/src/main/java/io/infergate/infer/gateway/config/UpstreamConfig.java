package io.infergate.infer.gateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.observability.transport.ClientTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the gateway's channels to model servers are secured and kept checked (key {@code upstream}):
 * TLS (and a client certificate for mutual TLS) when {@code tls} is set, and an HTTP/2 PING every
 * {@code keepAliveTime} while calls are in flight, so a model server that vanished without a FIN (a
 * node lost, a network partition) is noticed within {@code keepAliveTime + keepAliveTimeout} rather
 * than at each call's deadline. Absent values take the defaults.
 *
 * @param keepAliveTime how often a connection with calls in flight is pinged; at least the model
 *     servers' {@code connections.permitKeepAliveTime} ({@code ConnectionLimits}), or they close it
 *     (default 30s; grpc-java takes no less than 10s)
 * @param keepAliveTimeout how long a ping may go unanswered before the connection is closed
 *     (default 10s)
 * @param tls TLS to model servers; null, plaintext (model servers on a trusted network)
 */
public record UpstreamConfig(
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    @JsonInclude(JsonInclude.Include.NON_NULL) ClientTls tls) {
  /** The default {@code keepAliveTime}. */
  public static final Duration DEFAULT_KEEP_ALIVE_TIME = Duration.ofSeconds(30);

  /** The default {@code keepAliveTimeout}. */
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(10);

  /** Every value at its default. */
  public static final UpstreamConfig DEFAULT = new UpstreamConfig(null, null, null);

  /**
   * Fills in the defaults and validates.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public UpstreamConfig {
    keepAliveTime = keepAliveTime == null ? DEFAULT_KEEP_ALIVE_TIME : keepAliveTime;
    keepAliveTimeout = keepAliveTimeout == null ? DEFAULT_KEEP_ALIVE_TIMEOUT : keepAliveTimeout;
    List<String> problems = new ArrayList<>();
    check(problems, "keepAliveTime", keepAliveTime, Duration.ofSeconds(10));
    check(problems, "keepAliveTimeout", keepAliveTimeout, Duration.ofSeconds(1));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  private static void check(List<String> problems, String key, Duration value, Duration min) {
    if (value.compareTo(min) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
      problems.add(
          key
              + ": "
              + Durations.format(value)
              + " (expected: a duration in "
              + Durations.format(min)
              + "..1h0m0s)");
    }
  }
}
