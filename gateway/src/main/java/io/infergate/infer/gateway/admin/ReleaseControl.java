package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusException;
import io.infergate.infer.gateway.admin.StateStore.SavedRoute;
import io.infergate.infer.gateway.admin.StateStore.SavedState;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.RoutingTable;
import io.infergate.infer.router.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing state that release control changes: the file's routes with the API's weights over
 * them, its revision, committed to a state directory and audited before it is served.
 *
 * <p>How the file and the API combine, per route: the file bootstraps; weights set through the API
 * win, across restarts too, for as long as the file still has the weights it had when they were
 * set; once the file's own weights for that route change (edited, reloaded or found changed at
 * start), the file's win and the API's are dropped, audited as {@code config-file}.
 *
 * <p>Writes are serialized on one lock: each checks the revision it was based on, commits, audits,
 * then swaps the live table, so two writers on one revision cannot both win.
 */
public final class ReleaseControl implements AutoCloseable {
  /** The identity that file-driven changes are audited under. */
  static final String CONFIG_FILE = "config-file";

  private static final Logger log = LoggerFactory.getLogger(ReleaseControl.class);

  private final Object lock = new Object();
  private final StateStore store;
  private final AuditLog audit;
  private final Clock clock;
  private Consumer<RoutingTable<Rewrite>> apply = table -> {};
  private RoutingTable<Rewrite> fileRoutes;
  private RoutingTable<Rewrite> live;
  private Map<String, SavedRoute> apiWeights;
  private long revision;

  private ReleaseControl(StateStore store, AuditLog audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Reads the committed state in {@code stateDir} and lays it over {@code fileRoutes} as the rule
   * above says; {@link #routes()} is then what the gateway is to start with.
   *
   * @throws UncheckedIOException if the state directory cannot be read or written
   */
  public static ReleaseControl open(Path stateDir, RoutingTable<Rewrite> fileRoutes, Clock clock) {
    requireNonNull(fileRoutes, "fileRoutes");
    requireNonNull(clock, "clock");
    try {
      StateStore store = new StateStore(stateDir);
      SavedState saved = store.read();
      ReleaseControl control = new ReleaseControl(store, new AuditLog(stateDir), clock);
      synchronized (control.lock) {
        control.revision = saved == null ? 0 : saved.revision();
        control.apiWeights = saved == null ? Map.of() : saved.routes();
        // Before the first start, nothing was served; after a restart, what was served is unknown
        // here, and only a dropped API weight is a change (audited from the committed weights).
        control.live = saved == null ? RoutingTable.empty() : null;
        control.adoptFile(fileRoutes, saved == null);
      }
      return control;
    } catch (IOException e) {
      throw new UncheckedIOException(stateDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where later writes are applied (the gateway's live table); the gateway is to start with {@link
   * #routes()}.
   */
  public void attach(Consumer<RoutingTable<Rewrite>> apply) {
    synchronized (lock) {
      this.apply = requireNonNull(apply, "apply");
    }
  }

  /** The routes in force: the file's with the API's weights over them. */
  public RoutingTable<Rewrite> routes() {
    synchronized (lock) {
      return live;
    }
  }

  /** The routes in force, the revision and the models whose weights are the API's. */
  Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(revision, live, apiWeights.keySet());
    }
  }

  /**
   * Sets some of {@code model}'s weights if {@code basedOnRevision} is current, commits and audits
   * the change, then serves it.
   *
   * @throws StatusException INVALID_ARGUMENT naming the field, FAILED_PRECONDITION naming the
   *     current revision, NOT_FOUND for a model without a route, INTERNAL if it cannot be committed
   *     (then nothing changed)
   */
  Snapshot setWeights(
      Identity who, String model, Map<String, Integer> weights, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      if (basedOnRevision == 0) {
        throw refused(
            Status.INVALID_ARGUMENT,
            "based_on_revision: missing (expected: the revision GetRoutes returned)");
      }
      if (basedOnRevision != revision) {
        throw refused(
            Status.FAILED_PRECONDITION,
            "based_on_revision: "
                + basedOnRevision
                + " is stale (current revision: "
                + revision
                + ")");
      }
      Route<Rewrite> route = live.route(model);
      if (route == null) {
        throw refused(Status.NOT_FOUND, "model: \"" + model + "\" has no route");
      }
      if (weights.isEmpty()) {
        throw refused(Status.INVALID_ARGUMENT, "weights: {} (expected: at least one variant)");
      }
      Route<Rewrite> changed;
      try {
        changed = route.withWeights(weights);
      } catch (IllegalArgumentException e) {
        throw refused(Status.INVALID_ARGUMENT, e.getMessage());
      }
      Map<String, SavedRoute> nextApi = new HashMap<>(apiWeights);
      nextApi.put(model, new SavedRoute(weightsOf(fileRoutes.route(model)), weightsOf(changed)));
      RoutingTable<Rewrite> next = replace(live, changed);
      try {
        commit(who.name(), reason, next, nextApi);
      } catch (IOException e) {
        log.error("Release control: cannot commit a weight change of {}", model, e);
        throw refused(Status.INTERNAL, "state not committed, nothing changed: " + e.getMessage());
      }
      // Committed, then served: the endpoints are the ones in force, so the swap opens no channel.
      apply.accept(next);
      return new Snapshot(revision, live, apiWeights.keySet());
    }
  }

  /**
   * The file was reloaded: its routes become the base, the API's weights stay on routes whose file
   * weights did not change, and {@code applyReloaded} receives the table to serve (with the rest of
   * the reloaded file), under this object's lock so no API write interleaves.
   *
   * @throws UncheckedIOException if the state cannot be committed; the routes in force stay
   */
  public void fileChanged(
      RoutingTable<Rewrite> reloaded, Consumer<RoutingTable<Rewrite>> applyReloaded) {
    synchronized (lock) {
      Consumer<RoutingTable<Rewrite>> saved = apply;
      apply = requireNonNull(applyReloaded, "applyReloaded");
      try {
        adoptFile(reloaded, false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot commit the reloaded routes: " + e.getMessage(), e);
      } finally {
        apply = saved;
      }
    }
  }

  @Override
  public void close() throws IOException {
    audit.close();
  }

  /** Lays the API's weights over {@code file}, dropping those whose file weights changed. */
  private void adoptFile(RoutingTable<Rewrite> file, boolean first) throws IOException {
    Map<String, SavedRoute> kept = new HashMap<>();
    List<Route<Rewrite>> routes = new ArrayList<>();
    for (Route<Rewrite> route : file.routes()) {
      SavedRoute api = apiWeights.get(route.model());
      Route<Rewrite> effective = route;
      if (api != null && api.fileWeights().equals(weightsOf(route))) {
        try {
          effective = route.withWeights(api.weights());
          kept.put(route.model(), api);
        } catch (IllegalArgumentException e) {
          log.warn("Release control: committed weights of {} no longer fit: {}", route.model(), e);
        }
      } else if (api != null) {
        log.info("Release control: the file's weights of {} changed; they win", route.model());
      }
      routes.add(effective);
    }
    RoutingTable<Rewrite> next = RoutingTable.of(routes);
    // Swap first: a reloaded file may name endpoints that cannot be dialled, and then the routes in
    // force stay and nothing is committed. (At start this only hands the table over.)
    apply.accept(next);
    RoutingTable<Rewrite> served = live;
    fileRoutes = file;
    if (first || !kept.equals(apiWeights) || (served != null && !sameWeights(served, next))) {
      commit(CONFIG_FILE, first ? "first start" : "config file", next, kept);
    } else {
      live = next;
    }
  }

  /** Commits {@code next} as a new revision and audits each changed route; the caller serves it. */
  private void commit(
      String who, String reason, RoutingTable<Rewrite> next, Map<String, SavedRoute> nextApi)
      throws IOException {
    long nextRevision = revision + 1;
    store.write(new SavedState(nextRevision, nextApi));
    for (Route<Rewrite> route : next.routes()) {
      Map<String, Integer> was = servedWeights(route);
      if (!was.equals(weightsOf(route))) {
        try {
          audit.append(
              clock.instant(),
              who,
              route.model(),
              was,
              weightsOf(route),
              reason == null ? "" : reason,
              nextRevision);
        } catch (IOException e) {
          // The state is committed and a restart serves it, so serve it now too.
          log.error("Release control: revision {} committed but not audited", nextRevision, e);
        }
      }
    }
    revision = nextRevision;
    apiWeights = Map.copyOf(nextApi);
    live = next;
  }

  /** The weights {@code route}'s model had before this change: served, or committed if unknown. */
  private Map<String, Integer> servedWeights(Route<Rewrite> route) {
    if (live != null) {
      return weightsOf(live.route(route.model()));
    }
    SavedRoute api = apiWeights.get(route.model());
    return api != null ? api.weights() : weightsOf(route);
  }

  private static boolean sameWeights(RoutingTable<Rewrite> a, RoutingTable<Rewrite> b) {
    if (a.routes().size() != b.routes().size()) {
      return false;
    }
    for (Route<Rewrite> route : b.routes()) {
      Route<Rewrite> other = a.route(route.model());
      if (other == null || !weightsOf(other).equals(weightsOf(route))) {
        return false;
      }
    }
    return true;
  }

  private static RoutingTable<Rewrite> replace(RoutingTable<Rewrite> table, Route<Rewrite> route) {
    List<Route<Rewrite>> routes = new ArrayList<>();
    for (Route<Rewrite> each : table.routes()) {
      routes.add(each.model().equals(route.model()) ? route : each);
    }
    return RoutingTable.of(routes);
  }

  /** Weight by variant name, in the route's order. */
  static Map<String, Integer> weightsOf(Route<?> route) {
    if (route == null) {
      return Map.of();
    }
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (Variant variant : route.variants()) {
      weights.put(variant.name(), variant.weight());
    }
    return weights;
  }

  private static StatusException refused(Status status, String description) {
    return status.withDescription(description).asException();
  }

  /**
   * The routing state at one revision.
   *
   * @param apiModels models whose weights are the API's
   */
  record Snapshot(long revision, RoutingTable<Rewrite> routes, Set<String> apiModels) {
    Snapshot {
      apiModels = Set.copyOf(apiModels);
    }
  }
}
