package io.infergate.infer.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.EndpointBalancer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest addresses of the names in the routes' {@code dns:///name:port} endpoints, and the
 * routes as served with them: each name replaced by one endpoint per address, on the name's port,
 * so that the variant's balancer spreads calls over every pod behind a headless Service.
 *
 * <p>A name that stops resolving keeps its last addresses: a DNS outage must not empty a variant
 * that still has live pods, and pods that are really gone fail to connect, which takes them out of
 * the balancer's picks. A name that never resolved is served as it is ({@code name:port}, dialed
 * through gRPC's own resolver), so its variant shows as unable to serve until the name resolves.
 *
 * <p>Lookups happen off the call path: on the discovery thread, and for a name first seen in a
 * table, before that table is applied. Calls only ever see a built table.
 */
final class EndpointDiscovery {
  private static final Logger log = LoggerFactory.getLogger(EndpointDiscovery.class);

  private final Resolver resolver;

  /** Each name's addresses, as sorted IP literals, so that a reordered answer is no change. */
  private final ConcurrentMap<String, List<String>> answers = new ConcurrentHashMap<>();

  /** Names whose last lookup failed, so that a failure is logged once, not every interval. */
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  EndpointDiscovery(Resolver resolver) {
    this.resolver = requireNonNull(resolver, "resolver");
  }

  /** Resolves the names of {@code routes} that have no answer yet; may block on DNS. */
  void resolveNew(List<? extends Route<?>> routes) {
    for (String name : names(routes)) {
      if (!answers.containsKey(name)) {
        resolve(name);
      }
    }
  }

  /**
   * Resolves every name of {@code routes} again and forgets the names they no longer have; may
   * block on DNS.
   *
   * @return whether a name's addresses changed, so that the routes must be served again
   */
  boolean refresh(List<? extends Route<?>> routes) {
    Set<String> names = names(routes);
    answers.keySet().retainAll(names);
    failing.retainAll(names);
    boolean changed = false;
    for (String name : names) {
      changed |= resolve(name);
    }
    return changed;
  }

  /**
   * Returns {@code declared} with each {@code dns:///} endpoint replaced by its addresses; {@code
   * declared} itself when it has none. Never blocks.
   */
  <T> Route<T> serve(Route<T> declared) {
    for (Variant variant : declared.variants()) {
      if (variant.hasNames()) {
        return declared.withEndpoints(this::endpoints);
      }
    }
    return declared;
  }

  private List<Endpoint> endpoints(Variant variant) {
    Set<Endpoint> served = new LinkedHashSet<>();
    for (Endpoint endpoint : variant.endpoints()) {
      List<String> addresses = endpoint.dns() ? answers.get(endpoint.host()) : null;
      if (!endpoint.dns()) {
        served.add(endpoint);
      } else if (addresses == null) {
        served.add(new Endpoint(endpoint.host(), endpoint.port()));
      } else {
        for (String address : addresses) {
          served.add(new Endpoint(address, endpoint.port()));
        }
      }
    }
    List<Endpoint> result = new ArrayList<>(served);
    if (result.size() > EndpointBalancer.MAX_ENDPOINTS) {
      log.warn(
          "Variant '{}' resolves to {} endpoints; serving the first {}",
          variant.name(),
          result.size(),
          EndpointBalancer.MAX_ENDPOINTS);
      return result.subList(0, EndpointBalancer.MAX_ENDPOINTS);
    }
    return result;
  }

  /** Looks {@code name} up; whether its addresses changed. */
  private boolean resolve(String name) {
    List<InetAddress> found;
    try {
      found = resolver.addresses(name);
    } catch (UnknownHostException e) {
      found = List.of();
    }
    List<String> previous = answers.get(name);
    if (found.isEmpty()) {
      if (failing.add(name)) {
        log.warn(
            "DNS name {} has no address now; serving its last addresses {}",
            name,
            previous == null ? "(none yet)" : previous);
      }
      return false;
    }
    if (failing.remove(name)) {
      log.info("DNS name {} resolves again", name);
    }
    Set<String> sorted = new TreeSet<>();
    for (InetAddress address : found) {
      sorted.add(address.getHostAddress());
    }
    List<String> addresses = List.copyOf(sorted);
    if (addresses.equals(previous)) {
      return false;
    }
    answers.put(name, addresses);
    log.info(
        "DNS name {}: {} (was {})", name, addresses, previous == null ? "unresolved" : previous);
    return true;
  }

  private static Set<String> names(List<? extends Route<?>> routes) {
    Set<String> names = new LinkedHashSet<>();
    for (Route<?> route : routes) {
      for (Variant variant : route.variants()) {
        for (Endpoint endpoint : variant.endpoints()) {
          if (endpoint.dns()) {
            names.add(endpoint.host());
          }
        }
      }
    }
    return names;
  }
}
