package io.infergate.infer.perf.loadtest;

import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Transport failures worded as grpc-go (v1.56, ghz's) words them, so that a report's {@code
 * errorDistribution} groups them under ghz's keys. grpc-java says {@code io exception} and keeps
 * the JDK or Netty exception as the cause; grpc-go puts Go's net or TLS error in the description:
 *
 * <ul>
 *   <li>refused: {@code connection error: desc = "transport: Error while dialing: dial tcp
 *       127.0.0.1:1: connect: connection refused"}
 *   <li>connect timeout: {@code ... dial tcp 10.0.0.1:80: i/o timeout"}
 *   <li>reset: {@code error reading from server: read tcp LOCAL->REMOTE: read: connection reset by
 *       peer}
 *   <li>TLS: {@code connection error: desc = "transport: authentication handshake failed: x509:
 *       certificate signed by unknown authority"}
 * </ul>
 *
 * Other failures keep grpc-java's description.
 */
final class GoTransportErrors {
  private GoTransportErrors() {}

  /**
   * {@code status} with grpc-go's description when its cause is a transport failure that grpc-go
   * words differently; else {@code status} itself.
   *
   * @param local the connection's local address, or null when unknown
   * @param remote the connection's remote address, or null when unknown
   */
  static Status inGoWords(Status status, SocketAddress local, SocketAddress remote) {
    if (status.isOk() || status.getCause() == null) {
      return status;
    }
    String desc = describe(status.getCause(), local, remote);
    return desc == null ? status : status.withDescription(desc);
  }

  /** grpc-go's description of a failure caused by {@code cause}, or null to keep Java's. */
  static String describe(Throwable cause, SocketAddress local, SocketAddress remote) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      String lower = message.toLowerCase(Locale.ROOT);
      if (t instanceof SSLException) {
        return dialing("authentication handshake failed: " + goTls(message));
      }
      if (lower.contains("connection refused")) {
        return dialing(
            "Error while dialing: dial tcp "
                + address(remote, message)
                + ": connect: connection refused");
      }
      if (lower.contains("connection timed out") || t instanceof java.net.SocketTimeoutException) {
        return dialing(
            "Error while dialing: dial tcp " + address(remote, message) + ": i/o timeout");
      }
      if (lower.contains("connection reset")) {
        return "error reading from server: read tcp "
            + address(local, "")
            + "->"
            + address(remote, message)
            + ": read: connection reset by peer";
      }
    }
    return null;
  }

  /** grpc-go's {@code ConnectionError} text: {@code connection error: desc = "transport: ..."}. */
  private static String dialing(String what) {
    return "connection error: desc = " + GoJson.quote("transport: " + what);
  }

  /**
   * Go's crypto/tls and crypto/x509 wording of the two common handshake failures; others keep the
   * JDK's message (Go's would name certificate fields and times the JDK does not give).
   */
  private static String goTls(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("unsupported or unrecognized ssl message")
        || lower.contains("not an ssl/tls record")) {
      return "tls: first record does not look like a TLS handshake";
    }
    if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")) {
      return "x509: certificate signed by unknown authority";
    }
    return message;
  }

  /**
   * Go's {@code ip:port} of an address: from {@code known} when given, else from the end of a JDK
   * or Netty message such as {@code Connection refused: localhost/127.0.0.1:1}.
   */
  private static String address(SocketAddress known, String message) {
    if (known instanceof InetSocketAddress a && a.getAddress() != null) {
      return hostPort(a.getAddress().getHostAddress(), a.getPort());
    }
    int slash = message.lastIndexOf('/');
    String tail = slash < 0 ? "" : message.substring(slash + 1).trim();
    int colon = tail.lastIndexOf(':');
    if (colon > 0) {
      String host = tail.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String port = tail.substring(colon + 1).replaceAll("\\D.*", "");
      if (!port.isEmpty()) {
        return hostPort(host, Integer.parseInt(port));
      }
    }
    return "?"; // the JDK did not say; grpc-go would name the address here
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
