package io.infergate.infer.router;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route the gateway serves, by model name: one immutable snapshot of the routing config and
 * what its variants carry. Immutable so that a reload can build a whole new table off the hot path
 * and publish it in one step through {@link Router#swap}; a call that read the old table finishes
 * on it consistently.
 *
 * @param <T> what each variant of each route carries
 */
public final class RoutingTable<T> {
  private static final RoutingTable<?> EMPTY = new RoutingTable<>(List.of(), Map.of());

  private final List<Route<T>> routes;
  private final Map<String, Route<T>> byModel;

  private RoutingTable(List<Route<T>> routes, Map<String, Route<T>> byModel) {
    this.routes = routes;
    this.byModel = byModel;
  }

  /**
   * Returns a table of {@code routes}.
   *
   * @throws IllegalArgumentException naming each route whose model an earlier route has, one a line
   *     ({@code routes[2].model: "digits" (expected: unique, but routes[0] has it too)})
   */
  public static <T> RoutingTable<T> of(List<Route<T>> routes) {
    requireNonNull(routes, "routes");
    List<Route<T>> copy = List.copyOf(routes);
    Problems problems = new Problems();
    Map<String, Route<T>> byModel = new HashMap<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < copy.size(); i++) {
      Route<T> route = copy.get(i);
      Integer earlier = firstIndex.putIfAbsent(route.model(), i);
      if (earlier != null) {
        problems.add(
            "routes[" + i + "].model",
            route.model(),
            "unique, but routes[" + earlier + "] has it too");
      }
      byModel.putIfAbsent(route.model(), route);
    }
    problems.throwIfAny();
    return new RoutingTable<>(copy, Map.copyOf(byModel));
  }

  /** Returns a table without routes, for a gateway that starts before its config is loaded. */
  @SuppressWarnings("unchecked")
  public static <T> RoutingTable<T> empty() {
    return (RoutingTable<T>) EMPTY;
  }

  /**
   * Returns the route for {@code model}, or null if there is none (nor for a null model), so that
   * the hot path maps "no route" to a status without catching exceptions.
   */
  public Route<T> route(String model) {
    return model == null ? null : byModel.get(model);
  }

  /** Returns every route, in config order. */
  public List<Route<T>> routes() {
    return routes;
  }

  @Override
  public String toString() {
    return "RoutingTable" + routes;
  }
}
