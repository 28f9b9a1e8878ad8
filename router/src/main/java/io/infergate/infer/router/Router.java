package io.infergate.infer.router;

import static java.util.Objects.requireNonNull;

/**
 * The current {@link RoutingTable}, replaceable while calls run. A single volatile field rather
 * than a lock: the hot path pays one volatile read per call, and a reload publishes a complete new
 * table in one write, so a call sees either the old table or the new one, never a mix.
 *
 * <p>Read the table once per call ({@link #route} does) and keep using the {@link Route} it
 * returned, so that the variant, its target, its balancer and the shadow all come from the same
 * snapshot.
 *
 * @param <T> what each variant carries
 */
public final class Router<T> {
  private volatile RoutingTable<T> table;

  /** Starts routing with {@code initial}, which may be {@link RoutingTable#empty()}. */
  public Router(RoutingTable<T> initial) {
    this.table = requireNonNull(initial, "initial");
  }

  /** Returns the current table. */
  public RoutingTable<T> table() {
    return table;
  }

  /** Returns the current route for {@code model}, or null if there is none. */
  public Route<T> route(String model) {
    return table.route(model);
  }

  /**
   * Replaces the table; calls that already hold a {@link Route} of the old one finish on it. The
   * new table's balancers start with no calls in flight.
   */
  public void swap(RoutingTable<T> next) {
    table = requireNonNull(next, "next");
  }
}
