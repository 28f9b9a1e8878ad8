package io.infergate.infer.gateway;

import java.security.Security;

/**
 * The process-wide JVM settings the gateway changes, each only where the operator left it unset (a
 * {@code -D} on the command line or a security property wins). Applied first thing in {@link
 * GatewayMain}: the JVM and Netty read these once, when first used.
 */
final class JvmDefaults {
  /** The JVM's cache of DNS answers, in seconds; 30 unless set, 1 here. */
  static final String DNS_CACHE_TTL = "networkaddress.cache.ttl";

  /** Objects Netty's {@code Recycler} pools per thread; 4,096 unless set, 0 (off) here. */
  static final String NETTY_RECYCLER_CAPACITY = "io.netty.recycler.maxCapacityPerThread";

  private JvmDefaults() {}

  static void apply() {
    // dns:/// endpoints are re-resolved every discovery.interval (at least 1s), so answers at most
    // a second old; the legacy sun.net.inetaddr.ttl, where set, is the operator's choice too.
    if (Security.getProperty(DNS_CACHE_TTL) == null
        && System.getProperty("sun.net.inetaddr.ttl") == null) {
      Security.setProperty(DNS_CACHE_TTL, "1");
    }
    // On the gateway's event loop the pool's bookkeeping costs more than the short-lived objects
    // it saves: with it off, 3-6 % more calls/s at 64 in flight, side by side (docs/benchmarks.md).
    if (System.getProperty(NETTY_RECYCLER_CAPACITY) == null) {
      System.setProperty(NETTY_RECYCLER_CAPACITY, "0");
    }
  }
}
