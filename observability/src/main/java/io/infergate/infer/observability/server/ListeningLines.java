package io.infergate.infer.observability.server;

import io.infergate.infer.observability.transport.ServerTls;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a server prints on stdout once it listens: scripts, benchmarks and tests wait for
 * {@code "<process> listening on "} and read the port from it, so every server writes them alike.
 */
public final class ListeningLines {
  private ListeningLines() {}

  /**
   * {@code <process> listening on HOST:PORT}, with the TLS mode in parentheses when {@code tls} is
   * not null, then {@code metrics on URL} when {@code metricsUrl} is not null. A wildcard host is
   * shown as loopback, an address a local client can call.
   */
  public static List<String> of(
      String process, String host, int port, ServerTls tls, String metricsUrl) {
    String shown = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    List<String> lines = new ArrayList<>(2);
    lines.add(
        process
            + " listening on "
            + shown
            + ":"
            + port
            + (tls == null ? "" : " (" + tls.describe() + ")"));
    if (metricsUrl != null) {
      lines.add("metrics on " + metricsUrl);
    }
    return lines;
  }
}
