package io.infergate.infer.gateway.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Finds the addresses a name has now, for the routes' {@code dns:///name:port} endpoints.
 *
 * <p>An interface rather than a direct call to {@link InetAddress#getAllByName}, so that a test can
 * change a name's answer while a gateway runs (the system's resolver reads files and servers a test
 * does not own), and so that another source of addresses can be plugged in without touching the
 * routes.
 */
@FunctionalInterface
public interface Resolver {
  /**
   * Returns every address of {@code name}, in any order.
   *
   * @throws UnknownHostException if the name has no address now (NXDOMAIN, or no answer)
   */
  List<InetAddress> addresses(String name) throws UnknownHostException;

  /**
   * The JVM's resolver: {@code /etc/hosts}, then the DNS servers of {@code /etc/resolv.conf}, as a
   * pod's own lookups go. The JVM caches answers for {@code networkaddress.cache.ttl} seconds (30
   * by default); {@code GatewayMain} sets it to 1 unless the operator did, so that an answer is at
   * most a second older than the discovery interval.
   */
  static Resolver system() {
    return name -> List.of(InetAddress.getAllByName(name));
  }
}
