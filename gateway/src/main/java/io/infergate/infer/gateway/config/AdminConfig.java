package io.infergate.infer.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The release-control (admin) port, under the config key {@code admin}; absent, there is none. It
 * is its own server so that the data port never serves admin methods, and a network policy can keep
 * it apart. Read at start-up only.
 *
 * @param host address to bind (default 127.0.0.1: reachable from the host alone unless opened on
 *     purpose)
 * @param port admin gRPC port; 0 picks a free one (default {@value #DEFAULT_PORT})
 * @param tokensFile bearer tokens, one {@code TOKEN ROLE NAME} a line; required, because the port
 *     denies every call without an identity
 * @param stateDir where the committed routing state and the audit log are written; required,
 *     because an API write that a restart forgets is worse than none
 */
public record AdminConfig(String host, int port, Path tokensFile, Path stateDir) {
  /** Admin port when the file does not say: next to the data port's 8080, clear of Prometheus's. */
  public static final int DEFAULT_PORT = 8090;

  /** Admin address when the file does not say. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public AdminConfig {
    List<String> problems = new ArrayList<>();
    if (host == null || host.isBlank()) {
      problems.add("host: \"" + host + "\" (expected: non-blank)");
    }
    if (port < 0 || port > 65_535) {
      problems.add("port: " + port + " (expected: 0..65535)");
    }
    if (tokensFile == null) {
      problems.add("tokensFile: missing (expected: a file of TOKEN ROLE NAME lines)");
    }
    if (stateDir == null) {
      problems.add("stateDir: missing (expected: a directory for routing state and audit log)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  @JsonCreator
  static AdminConfig fromYaml(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("tokensFile") String tokensFile,
      @JsonProperty("stateDir") String stateDir) {
    return new AdminConfig(
        host == null ? DEFAULT_HOST : host,
        port == null ? DEFAULT_PORT : port,
        tokensFile == null ? null : Path.of(tokensFile),
        stateDir == null ? null : Path.of(stateDir));
  }

  @JsonValue
  Map<String, Object> yaml() {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("host", host);
    yaml.put("port", port);
    yaml.put("tokensFile", tokensFile.toString());
    yaml.put("stateDir", stateDir.toString());
    return yaml;
  }
}
