package io.infergate.infer.router;

/**
 * One backend address of a variant. A name and a port rather than a {@code SocketAddress}, so that
 * routing does no I/O (no DNS lookups when config loads) and the gateway decides how to dial it.
 *
 * @param host DNS name or IP literal (an IPv6 literal without brackets)
 * @param port TCP port in 1..65535
 */
public record Endpoint(String host, int port) {
  private static final String EXPECTED = "host:port with a port in 1..65535";

  /**
   * Validates the address.
   *
   * @throws IllegalArgumentException naming each bad field, if the host is blank or the port out of
   *     range
   */
  public Endpoint {
    Problems problems = new Problems();
    problems.nonBlank(host, "host");
    problems.check(port >= 1 && port <= 65535, "port", port, "1..65535");
    problems.throwIfAny();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
  }

  /**
   * Returns the endpoint {@code address} names: {@code host:port}, or {@code [v6-literal]:port}.
   *
   * @throws IllegalArgumentException {@code address: "nowhere" (expected: host:port ...)}, if the
   *     text is not such an address
   */
  public static Endpoint parse(String address) {
    Problems problems = new Problems();
    Endpoint endpoint = parse(address, "address", problems);
    problems.throwIfAny();
    return endpoint;
  }

  /** Parses {@code address}, or adds a problem naming {@code field} and returns null. */
  static Endpoint parse(String address, String field, Problems problems) {
    int colon = address == null ? -1 : address.lastIndexOf(':');
    if (colon > 0 && colon < address.length() - 1) {
      String host = address.substring(0, colon);
      String port = address.substring(colon + 1);
      boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
      boolean plain =
          !host.isEmpty()
              && host.chars().noneMatch(c -> c == ':' || c == '[' || Character.isWhitespace(c));
      if ((bracketed || plain) && port.length() <= 5 && port.chars().allMatch(Character::isDigit)) {
        int number = Integer.parseInt(port);
        if (number >= 1 && number <= 65535) {
          return new Endpoint(host, number);
        }
      }
    }
    problems.add(field, address, EXPECTED);
    return null;
  }

  /** Returns {@code host:port}, with IPv6 literals in brackets: the form a gRPC target takes. */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
