package io.infergate.infer.observability.transport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS on a process's channels to servers (the gateway's key {@code upstream.tls}): which CAs a
 * server's certificate must chain to, and, for mutual TLS, the client certificate presented. A
 * server's certificate must also name the host the channel dials (a DNS or IP subject alternative
 * name), as HTTPS checks it. The files are PEM and are read again every {@code refreshInterval}, as
 * {@link ServerTls}'s are.
 *
 * @param ca the CA certificates a server's certificate must chain to; absent, the JDK's default
 *     trust store
 * @param certChain the client certificate and intermediates to present; absent, none (plain TLS)
 * @param privateKey the client certificate's private key; required with {@code certChain}
 * @param refreshInterval how often the files are read again; 0s never (default 1m)
 */
public record ClientTls(
    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonSerialize(using = ToStringSerializer.class)
        Path ca,
    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonSerialize(using = ToStringSerializer.class)
        Path certChain,
    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonSerialize(using = ToStringSerializer.class)
        Path privateKey,
    Duration refreshInterval) {

  /**
   * Fills in the defaults and validates.
   *
   * @throws IllegalArgumentException naming each bad key, one a line
   */
  public ClientTls {
    refreshInterval =
        refreshInterval != null ? refreshInterval : ServerTls.DEFAULT_REFRESH_INTERVAL;
    List<String> problems = new ArrayList<>();
    PemFiles.checkReadable(problems, "ca", ca, false);
    PemFiles.checkReadable(problems, "certChain", certChain, false);
    PemFiles.checkReadable(problems, "privateKey", privateKey, false);
    if ((certChain == null) != (privateKey == null)) {
      problems.add(
          (certChain == null ? "certChain" : "privateKey")
              + ": missing (expected: certChain and privateKey together, or neither)");
    }
    PemFiles.checkRefreshInterval(problems, refreshInterval);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** Whether a client certificate is presented (mutual TLS). */
  public boolean mutual() {
    return certChain != null;
  }
}
