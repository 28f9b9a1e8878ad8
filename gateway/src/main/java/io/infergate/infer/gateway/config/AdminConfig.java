package io.infergate.infer.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.infergate.infer.gateway.admin.Identity;
import io.infergate.infer.gateway.admin.Role;
import io.infergate.infer.observability.transport.ServerTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The release-control (admin) port, under the config key {@code admin}; absent, there is none. It
 * is its own server so that the data port never serves admin methods, and a network policy can keep
 * it apart. Read at start-up only.
 *
 * <pre>
 * admin:
 *   host: 0.0.0.0
 *   port: 8090
 *   stateDir: /var/lib/infergate
 *   tokensFile: /etc/infergate/admin-tokens.txt
 *   tls:                        # the data port's tls keys, for the admin port
 *     certChain: admin.crt
 *     privateKey: admin.key
 *     clientCa: ca.crt          # mTLS: client certificates of this CA are identities
 *   clientRoles: {spiffe://example.org/ci-bot: operator, vera: viewer}
 * </pre>
 *
 * <p>Every admin call needs an identity: a bearer token of {@code tokensFile}, or a client
 * certificate verified against {@code tls.clientCa} one of whose names (as a route's {@code
 * overrideAllow.identities} reads them: URI and DNS subject alternative names, then the subject's
 * common name) {@code clientRoles} lists. A call presenting both is the token's: the certificate
 * admitted the connection, the token says who acts, as a person at a shared build machine signs in
 * as themselves.
 *
 * @param host address to bind (default 127.0.0.1: reachable from the host alone unless opened on
 *     purpose)
 * @param port admin gRPC port; 0 picks a free one (default {@value #DEFAULT_PORT})
 * @param tokensFile bearer tokens, one {@code TOKEN ROLE NAME} a line; required unless {@code
 *     clientRoles} names identities, because the port denies every call without one
 * @param stateDir where the committed routing state and the audit log are written; required,
 *     because an API write that a restart forgets is worse than none
 * @param tls TLS on the admin port, gRPC and console alike (the data port's {@code tls} keys);
 *     null, the port is plaintext
 * @param clientRoles a client certificate's name to its role ({@code viewer}, {@code operator} or
 *     {@code admin}); needs {@code tls.clientCa}; empty by default
 */
public record AdminConfig(
    String host,
    int port,
    Path tokensFile,
    Path stateDir,
    ServerTls tls,
    Map<String, Role> clientRoles) {
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
    clientRoles =
        clientRoles == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(clientRoles));
    List<String> problems = new ArrayList<>();
    if (host == null || host.isBlank()) {
      problems.add("host: \"" + host + "\" (expected: non-blank)");
    }
    if (port < 0 || port > 65_535) {
      problems.add("port: " + port + " (expected: 0..65535)");
    }
    if (tokensFile == null && clientRoles.isEmpty()) {
      problems.add(
          "tokensFile: missing (expected: a file of TOKEN ROLE NAME lines, or clientRoles with"
              + " tls.clientCa)");
    }
    if (stateDir == null) {
      problems.add("stateDir: missing (expected: a directory for routing state and audit log)");
    }
    for (String name : clientRoles.keySet()) {
      if (Identity.RESERVED_NAMES.contains(name)) {
        problems.add(
            "clientRoles."
                + name
                + ": reserved (expected: not one of "
                + Identity.RESERVED_NAMES
                + ", which the audit log reserves)");
      }
    }
    if (!clientRoles.isEmpty() && (tls == null || tls.clientCa() == null)) {
      problems.add(
          "clientRoles: "
              + clientRoles.size()
              + " name(s) (expected: tls.clientCa to verify client certificates against)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** The settings as the file has them, without TLS and client roles. */
  public AdminConfig(String host, int port, Path tokensFile, Path stateDir) {
    this(host, port, tokensFile, stateDir, null, Map.of());
  }

  @JsonCreator
  static AdminConfig fromYaml(
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("tokensFile") String tokensFile,
      @JsonProperty("stateDir") String stateDir,
      @JsonProperty("tls") ServerTls tls,
      @JsonProperty("clientRoles") Map<String, String> clientRoles) {
    Map<String, Role> roles = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    if (clientRoles != null) {
      clientRoles.forEach(
          (name, role) -> {
            Role known = Role.fromConfigName(role);
            if (name.isBlank()) {
              problems.add("clientRoles: a blank name (expected: a certificate's name)");
            } else if (known == null) {
              problems.add(
                  "clientRoles."
                      + name
                      + ": \""
                      + role
                      + "\" (expected: viewer, operator or admin)");
            } else {
              roles.put(name, known);
            }
          });
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new AdminConfig(
        host == null ? DEFAULT_HOST : host,
        port == null ? DEFAULT_PORT : port,
        tokensFile == null ? null : Path.of(tokensFile),
        stateDir == null ? null : Path.of(stateDir),
        tls,
        roles);
  }

  @JsonValue
  Map<String, Object> yaml() {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("host", host);
    yaml.put("port", port);
    if (tokensFile != null) {
      yaml.put("tokensFile", tokensFile.toString());
    }
    yaml.put("stateDir", stateDir.toString());
    if (tls != null) {
      yaml.put("tls", tls);
    }
    if (!clientRoles.isEmpty()) {
      Map<String, String> roles = new LinkedHashMap<>();
      clientRoles.forEach((name, role) -> roles.put(name, role.configName()));
      yaml.put("clientRoles", roles);
    }
    return yaml;
  }
}
