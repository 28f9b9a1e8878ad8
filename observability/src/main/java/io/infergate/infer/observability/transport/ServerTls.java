package io.infergate.infer.observability.transport;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TLS on a server's port (config key {@code tls}, the same on the gateway and the model server):
 * its certificate chain and private key, and, for mutual TLS, the CA whose client certificates it
 * accepts. The files are PEM (a private key in PKCS#8, RSA or EC, as {@code openssl genpkey} writes
 * it) and are read again every {@code refreshInterval}, so a rotated certificate is served without
 * a restart; a connection keeps the certificate it was opened with.
 *
 * @param certChain the server's certificate, followed by any intermediates (required)
 * @param privateKey the certificate's private key (required)
 * @param clientCa the CA certificates a client's certificate must chain to; absent, no client
 *     certificate is asked for
 * @param clientAuth {@code none}, {@code optional} or {@code require} (default: {@code require}
 *     with a {@code clientCa}, {@code none} without)
 * @param refreshInterval how often the files are read again; 0s never (default 1m)
 */
public record ServerTls(
    @JsonSerialize(using = ToStringSerializer.class) Path certChain,
    @JsonSerialize(using = ToStringSerializer.class) Path privateKey,
    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonSerialize(using = ToStringSerializer.class)
        Path clientCa,
    ClientAuth clientAuth,
    Duration refreshInterval) {

  /**
   * The default {@code refreshInterval}: cert-manager and Kubernetes rotate certificates days
   * before they expire, and a Secret volume takes about a minute to show the new files, so a minute
   * adds nothing that matters and costs two small file reads.
   */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(1);

  /**
   * Fills in the defaults and validates.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public ServerTls {
    clientAuth =
        clientAuth != null ? clientAuth : clientCa != null ? ClientAuth.REQUIRE : ClientAuth.NONE;
    refreshInterval = refreshInterval != null ? refreshInterval : DEFAULT_REFRESH_INTERVAL;
    List<String> problems = new ArrayList<>();
    PemFiles.checkReadable(problems, "certChain", certChain, true);
    PemFiles.checkReadable(problems, "privateKey", privateKey, true);
    PemFiles.checkReadable(problems, "clientCa", clientCa, false);
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      problems.add(
          "clientAuth: "
              + clientAuth.configName()
              + " (expected: none without a clientCa to check client certificates against)");
    }
    PemFiles.checkRefreshInterval(problems, refreshInterval);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** "TLS", "mTLS" or "TLS, client certificates optional", for start-up lines. */
  public String describe() {
    return switch (clientAuth) {
      case NONE -> "TLS";
      case OPTIONAL -> "TLS, client certificates optional";
      case REQUIRE -> "mTLS";
    };
  }

  /** Whether clients must present a certificate that chains to {@link #clientCa}. */
  public boolean mutual() {
    return clientAuth == ClientAuth.REQUIRE;
  }

  /** Whether a server asks its clients for certificates. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is checked if presented; clients without one are served too. */
    OPTIONAL,
    /** Mutual TLS: a client without a valid certificate is refused in the handshake. */
    REQUIRE;

    /** Reads the config file's lower-case name. */
    @JsonCreator
    public static ClientAuth of(String name) {
      for (ClientAuth value : values()) {
        if (value.configName().equals(name)) {
          return value;
        }
      }
      throw new IllegalArgumentException("\"" + name + "\" (expected: none, optional or require)");
    }

    /** The name in the config file. */
    @JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
