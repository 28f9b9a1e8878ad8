package io.infergate.infer.router;

/**
 * One backend address of a variant. A name and a port rather than a {@code SocketAddress}, so that
 * routing does no I/O (no DNS lookups when config loads) and the gateway decides how to dial it.
 *
 * <p>An endpoint written {@code dns:///name:port} stands for every address {@code name} resolves
 * to, each on {@code port}: a headless Kubernetes Service's pods, whose set changes as they scale.
 * The router only carries it; the gateway re-resolves the name and serves one endpoint per address.
 *
 * @param host DNS name or IP literal (an IPv6 literal without brackets)
 * @param port TCP port in 1..65535
 * @param dns whether {@code host} is a name to re-resolve into one endpoint per address, rather
 *     than one endpoint dialed as it is
 */
public record Endpoint(String host, int port, boolean dns) {
  private static final String EXPECTED = "host:port with a port in 1..65535";
  private static final String DNS_PREFIX = "dns:///";
  private static final String DNS_EXPECTED = "dns:///name:port with a port in 1..65535";

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

  /** One address, dialed as it is. */
  public Endpoint(String host, int port) {
    this(host, port, false);
  }

  /**
   * Returns the endpoint {@code address} names: {@code host:port}, {@code [v6-literal]:port}, or
   * {@code dns:///name:port} for every address of {@code name}.
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
    // "dns:/" rather than "dns:", so that a host named dns ("dns:53") is still a host.
    if (address != null && address.startsWith("dns:/")) {
      return parseName(address, field, problems);
    }
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

  /**
   * Parses {@code dns:///name:port}. Only the empty authority: the gateway asks the system's
   * resolver, as a pod's own lookups do, not a DNS server named in the address.
   */
  private static Endpoint parseName(String address, String field, Problems problems) {
    if (address.startsWith(DNS_PREFIX)) {
      Endpoint named = parse(address.substring(DNS_PREFIX.length()), field, new Problems());
      if (named != null && named.host().indexOf(':') < 0) {
        return new Endpoint(named.host(), named.port(), true);
      }
    }
    problems.add(field, address, DNS_EXPECTED);
    return null;
  }

  /**
   * Returns {@code host:port}, with IPv6 literals in brackets: the form a gRPC target takes; or
   * {@code dns:///name:port}, as written, for a name to re-resolve.
   */
  @Override
  public String toString() {
    if (dns) {
      return DNS_PREFIX + host + ":" + port;
    }
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
