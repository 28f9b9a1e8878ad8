package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusException;
import io.infergate.infer.gateway.admin.LiveVariants.LiveVariant;
import io.infergate.infer.gateway.admin.StateStore.SavedRamp;
import io.infergate.infer.gateway.admin.StateStore.SavedRoute;
import io.infergate.infer.gateway.admin.StateStore.SavedState;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.RoutingTable;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.release.Gates;
import io.infergate.infer.router.release.Ramp;
import io.infergate.infer.router.release.Ramp.Phase;
import io.infergate.infer.router.release.RampPlan;
import io.infergate.infer.router.release.Verdict;
import io.infergate.infer.router.release.WindowFigures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing state that release control changes: the file's routes with the API's weights over
 * them, each route's ramp, and its revision, committed to a state directory and audited before it
 * is served.
 *
 * <p>How the file and the API combine, per route: the file bootstraps; weights set through the API
 * (or by a ramp) win, across restarts too, for as long as the file still has the weights it had
 * when they were set; once the file's own weights for that route change (edited, reloaded or found
 * changed at start), the file's win, the API's are dropped and a ramp in progress is aborted, all
 * audited as {@code config-file}.
 *
 * <p>Every change, whoever makes it, is serialized on one lock: it checks the revision it was based
 * on, commits the new state with its audit entries (write-temp, fsync, rename), appends them to the
 * audit log, then swaps the live table. Two writers on one revision cannot both win; a crash leaves
 * the old state or the new one, and a state whose audit entries a crash kept out of the log appends
 * them when it is opened again.
 *
 * <p>Once a second, each active ramp's gates judge its canary against its stable variant on the
 * data plane's figures: a breach sets the canary to 0 at once, a step held long enough advances.
 */
public final class ReleaseControl implements AutoCloseable {
  /** The identity that file-driven changes are audited under. */
  static final String CONFIG_FILE = "config-file";

  /** The identity of the changes the gateway makes itself: ramp steps and gate rollbacks. */
  static final String GATEWAY = "gateway";

  /** The audit action of a rollback the gates made. */
  static final String GATE_ROLLBACK = "gate-rollback";

  private static final Logger log = LoggerFactory.getLogger(ReleaseControl.class);

  private final Object lock = new Object();
  private final StateStore store;
  private final AuditLog audit;
  private final Clock clock;
  private Consumer<RoutingTable<Rewrite>> apply = table -> {};
  private LiveVariants live = LiveVariants.NONE;
  private ScheduledExecutorService ticker;
  private RoutingTable<Rewrite> fileRoutes;
  private RoutingTable<Rewrite> served;
  private Map<String, SavedRoute> apiWeights;
  private Map<String, Ramp> ramps;
  private long revision;

  /** Gate breaches in a row, by model; in memory only: a restart judges afresh. */
  private final Map<String, Integer> breaches = new HashMap<>();

  /** Each ramp's stable variant as last seen with enough calls, by model; in memory only. */
  private final Map<String, WindowFigures> lastStable = new HashMap<>();

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
      AuditLog audit = new AuditLog(stateDir);
      if (saved != null && audit.lastRevision() < saved.revision()) {
        // Committed, then a crash before its audit entries were appended: append them now.
        audit.append(saved.audited());
      }
      ReleaseControl control = new ReleaseControl(store, audit, clock);
      synchronized (control.lock) {
        control.revision = saved == null ? 0 : saved.revision();
        control.apiWeights = saved == null ? Map.of() : saved.routes();
        control.ramps = new HashMap<>();
        if (saved != null) {
          // The hold starts over: the figures that held a step before the restart are gone.
          saved
              .ramps()
              .forEach(
                  (model, ramp) ->
                      control.ramps.put(model, ramp.ramp().restarted(clock.instant())));
        }
        // Before the first start, nothing was served; after a restart, what was served is unknown
        // here, and only a dropped API weight is a change (audited from the committed weights).
        control.served = saved == null ? RoutingTable.empty() : null;
        control.adoptFile(fileRoutes, saved == null);
      }
      return control;
    } catch (IOException e) {
      throw new UncheckedIOException(stateDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where later changes are applied (the gateway's live table; the gateway is to start with {@link
   * #routes()}) and where the gates read the figures they judge; starts judging ramps.
   */
  public void attach(Consumer<RoutingTable<Rewrite>> apply, LiveVariants live) {
    attach(apply, live, true);
  }

  /** As {@link #attach(Consumer, LiveVariants)}; without {@code tick}, tests call {@link #tick}. */
  void attach(Consumer<RoutingTable<Rewrite>> apply, LiveVariants live, boolean tick) {
    synchronized (lock) {
      this.apply = requireNonNull(apply, "apply");
      this.live = requireNonNull(live, "live");
      if (tick && ticker == null) {
        ticker = Schedulers.daemon("release-control");
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
      }
    }
  }

  /** The routes in force: the file's with the API's weights over them. */
  public RoutingTable<Rewrite> routes() {
    synchronized (lock) {
      return served;
    }
  }

  /** The routes in force, the revision, the models whose weights are the API's and the ramps. */
  Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(revision, served, apiWeights.keySet(), ramps);
    }
  }

  /**
   * What the data plane saw of a variant over {@code window}, or null if it has no such variant.
   */
  LiveVariant live(String model, String variant, Duration window) {
    LiveVariants source;
    synchronized (lock) {
      source = live;
    }
    return source.of(model, variant, window);
  }

  /**
   * Sets some of {@code model}'s weights.
   *
   * @throws StatusException INVALID_ARGUMENT naming the field, FAILED_PRECONDITION for a stale
   *     revision or a ramp in charge of the route, NOT_FOUND for a model without a route, INTERNAL
   *     if it cannot be committed (then nothing changed)
   */
  Snapshot setWeights(
      Identity who, String model, Map<String, Integer> weights, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      notRamping(model, "SetWeights");
      if (weights.isEmpty()) {
        throw refused(Status.INVALID_ARGUMENT, "weights: {} (expected: at least one variant)");
      }
      return write(who.name(), "SetWeights", reason, reweighted(route, weights), null, Map.of());
    }
  }

  /**
   * Starts {@code plan} on {@code model}'s route at its first step.
   *
   * @throws StatusException as {@link #setWeights}; INVALID_ARGUMENT if the plan's variants are not
   *     the route's
   */
  Snapshot startRamp(Identity who, String model, RampPlan plan, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      notRamping(model, "StartRamp");
      requireVariant(route, plan.canary(), "canary");
      requireVariant(route, plan.stable(), "stable");
      Ramp ramp = Ramp.start(plan, clock.instant());
      return write(who.name(), "StartRamp", reason, rampWeights(route, ramp), ramp, Map.of());
    }
  }

  /** Holds the ramp at its step; the gates still judge. */
  Snapshot pauseRamp(Identity who, String model, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      Ramp ramp = ramping(model, Phase.RUNNING, "PauseRamp");
      return write(who.name(), "PauseRamp", reason, route, ramp.paused(), Map.of());
    }
  }

  /** Runs a paused ramp on; the step's hold starts over. */
  Snapshot resumeRamp(Identity who, String model, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      Ramp ramp = ramping(model, Phase.PAUSED, "ResumeRamp");
      return write(
          who.name(), "ResumeRamp", reason, route, ramp.resumed(clock.instant()), Map.of());
    }
  }

  /** Ends the ramp with its canary at 0 and its stable variant at 100. */
  Snapshot abortRamp(Identity who, String model, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      Ramp ramp = ramping(model, null, "AbortRamp");
      RampPlan plan = ramp.plan();
      return write(
          who.name(),
          "AbortRamp",
          reason,
          reweighted(route, Map.of(plan.canary(), 0, plan.stable(), 100)),
          ramp.ended(Phase.ABORTED, "aborted by " + who.name()),
          Map.of());
    }
  }

  /** Gives {@code variant} all of the route's weight and ends a ramp in progress. */
  Snapshot promote(Identity who, String model, String variant, long basedOnRevision, String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      requireVariant(route, variant, "variant");
      Map<String, Integer> weights = new LinkedHashMap<>();
      for (Variant each : route.variants()) {
        weights.put(each.name(), each.name().equals(variant) ? 100 : 0);
      }
      Ramp ramp = active(model);
      Ramp ended =
          ramp == null
              ? null
              : ramp.ended(
                  ramp.plan().canary().equals(variant) ? Phase.COMPLETED : Phase.ABORTED,
                  "promoted " + variant + " by " + who.name());
      return write(who.name(), "Promote", reason, reweighted(route, weights), ended, Map.of());
    }
  }

  /**
   * Sets {@code variant} to 0, its weight going to {@code stable} (default: the ramp's stable
   * variant, or the route's other variant when it has two), and ends a ramp in progress.
   */
  Snapshot rollback(
      Identity who,
      String model,
      String variant,
      String stable,
      long basedOnRevision,
      String reason)
      throws StatusException {
    synchronized (lock) {
      Route<Rewrite> route = writable(model, basedOnRevision);
      Variant rolled = requireVariant(route, variant, "variant");
      Ramp ramp = ramps.get(model);
      String to = stable;
      if (to == null || to.isEmpty()) {
        to = defaultStable(route, variant, ramp);
      }
      Variant target = requireVariant(route, to, "stable");
      if (target.name().equals(variant)) {
        throw refused(Status.INVALID_ARGUMENT, "stable: \"" + to + "\" is the variant rolled back");
      }
      Ramp active = active(model);
      return write(
          who.name(),
          "Rollback",
          reason,
          reweighted(route, Map.of(variant, 0, to, target.weight() + rolled.weight())),
          active == null ? null : active.ended(Phase.ABORTED, "rolled back by " + who.name()),
          Map.of());
    }
  }

  /**
   * The newest {@code limit} audit entries, oldest first; only {@code model}'s unless empty. Read
   * without this object's lock, so that a long log never delays a gate's rollback: the log only
   * grows by whole lines, and a line being appended is skipped.
   */
  List<AuditRecord> history(String model, int limit) throws StatusException {
    try {
      return audit.read(model, limit);
    } catch (IOException e) {
      throw refused(Status.INTERNAL, "audit log unreadable: " + e.getMessage());
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

  /**
   * Judges every active ramp on the newest figures, then advances, completes or rolls it back as it
   * decides. Runs once a second on its own thread; public for tests that drive the clock.
   */
  void tick() {
    try {
      synchronized (lock) {
        Instant now = clock.instant();
        for (Map.Entry<String, Ramp> entry : List.copyOf(ramps.entrySet())) {
          if (entry.getValue().phase().isActive()) {
            judge(entry.getKey(), entry.getValue(), now);
          }
        }
      }
    } catch (RuntimeException | StatusException e) {
      // Never let one bad tick stop the ticker: the next one judges again.
      log.error("Release control: judging ramps failed", e);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (ticker != null) {
        ticker.shutdownNow();
      }
    }
    audit.close();
  }

  private void judge(String model, Ramp ramp, Instant now) throws StatusException {
    Route<Rewrite> route = served.route(model);
    RampPlan plan = ramp.plan();
    Gates gates = plan.gates();
    WindowFigures stable = figures(model, plan.stable(), gates);
    if (stable.calls() >= gates.minCalls()) {
      lastStable.put(model, stable);
    } else if (lastStable.containsKey(model)) {
      // At 100% (or near it) stable answers nothing: the canary is judged against stable as it was
      // when it last had enough calls, rather than against nothing.
      stable = lastStable.get(model);
    }
    Verdict verdict = gates.judge(figures(model, plan.canary(), gates), stable);
    LiveVariant canary = live.of(model, plan.canary(), gates.window());
    if (canary != null && "OPEN".equals(canary.breaker())) {
      // An open breaker keeps the canary's calls from being answered, so its window would look
      // merely quiet: the breaker's own verdict is the failure the gates are there to act on.
      verdict =
          new Verdict(
              Verdict.Kind.BREACHED, "the canary's circuit breaker is OPEN", verdict.figures());
    }
    int inARow =
        verdict.kind() == Verdict.Kind.BREACHED ? breaches.merge(model, 1, Integer::sum) : 0;
    if (inARow == 0) {
      breaches.remove(model);
    }
    switch (ramp.decide(now, verdict, inARow)) {
      case STAY -> {}
      case ADVANCE -> {
        Ramp next = ramp.advanced(now);
        write(
            GATEWAY,
            "ramp-step",
            "step "
                + (next.step() + 1)
                + " of "
                + plan.steps().size()
                + ": held "
                + plan.hold()
                + ", "
                + verdict.why(),
            rampWeights(route, next),
            next,
            verdict.figures());
      }
      case COMPLETE ->
          write(
              GATEWAY,
              "ramp-complete",
              "last step held " + plan.hold() + ", " + verdict.why(),
              route,
              ramp.ended(Phase.COMPLETED, "completed"),
              verdict.figures());
      case ROLL_BACK -> {
        breaches.remove(model);
        log.warn(
            "Release control: {} variant {} breached its gates ({}); rolled back to 0",
            model,
            plan.canary(),
            verdict.why());
        write(
            GATEWAY,
            GATE_ROLLBACK,
            verdict.why(),
            reweighted(route, Map.of(plan.canary(), 0, plan.stable(), 100)),
            ramp.ended(Phase.ROLLED_BACK, verdict.why()),
            verdict.figures());
      }
    }
  }

  private WindowFigures figures(String model, String variant, Gates gates) {
    LiveVariant seen = live.of(model, variant, gates.window());
    return seen == null || seen.figures() == null
        ? WindowFigures.none(gates.window())
        : seen.figures();
  }

  /** The route of {@code model} if {@code basedOnRevision} is current. */
  private Route<Rewrite> writable(String model, long basedOnRevision) throws StatusException {
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
    Route<Rewrite> route = served.route(model);
    if (route == null) {
      throw refused(Status.NOT_FOUND, "model: \"" + model + "\" has no route");
    }
    return route;
  }

  private void notRamping(String model, String method) throws StatusException {
    Ramp ramp = active(model);
    if (ramp != null) {
      throw refused(
          Status.FAILED_PRECONDITION,
          "model: \""
              + model
              + "\" has a ramp "
              + ramp.phase()
              + " that sets its weights ("
              + method
              + " needs it ended: AbortRamp, Promote or Rollback)");
    }
  }

  /** The route's ramp if active and, unless {@code phase} is null, in {@code phase}. */
  private Ramp ramping(String model, Phase phase, String method) throws StatusException {
    Ramp ramp = active(model);
    if (ramp == null || (phase != null && ramp.phase() != phase)) {
      throw refused(
          Status.FAILED_PRECONDITION,
          "model: \""
              + model
              + "\" has no ramp "
              + (phase == null ? "running or paused" : phase)
              + " ("
              + method
              + ")");
    }
    return ramp;
  }

  private Ramp active(String model) {
    Ramp ramp = ramps.get(model);
    return ramp != null && ramp.phase().isActive() ? ramp : null;
  }

  private static Variant requireVariant(Route<Rewrite> route, String name, String field)
      throws StatusException {
    for (Variant variant : route.variants()) {
      if (variant.name().equals(name)) {
        return variant;
      }
    }
    throw refused(
        Status.INVALID_ARGUMENT,
        field
            + ": \""
            + name
            + "\" is not a variant of "
            + route.model()
            + " (expected one of "
            + weightsOf(route).keySet()
            + ")");
  }

  private static String defaultStable(Route<Rewrite> route, String variant, Ramp ramp)
      throws StatusException {
    if (ramp != null && ramp.plan().canary().equals(variant)) {
      return ramp.plan().stable();
    }
    if (route.variants().size() == 2) {
      String first = route.variant(0).name();
      return first.equals(variant) ? route.variant(1).name() : first;
    }
    throw refused(
        Status.INVALID_ARGUMENT,
        "stable: missing (expected: the variant that takes the weight; "
            + route.model()
            + " has "
            + route.variants().size()
            + " variants)");
  }

  private static Route<Rewrite> rampWeights(Route<Rewrite> route, Ramp ramp)
      throws StatusException {
    RampPlan plan = ramp.plan();
    return reweighted(
        route, Map.of(plan.canary(), ramp.canaryWeight(), plan.stable(), ramp.stableWeight()));
  }

  private static Route<Rewrite> reweighted(Route<Rewrite> route, Map<String, Integer> weights)
      throws StatusException {
    try {
      return route.withWeights(weights);
    } catch (IllegalArgumentException e) {
      throw refused(Status.INVALID_ARGUMENT, e.getMessage());
    }
  }

  /**
   * Commits {@code changed} (and {@code ramp}, unless null) as a new revision audited under {@code
   * who}, then serves it.
   */
  private Snapshot write(
      String who,
      String action,
      String reason,
      Route<Rewrite> changed,
      Ramp ramp,
      Map<String, Double> figures)
      throws StatusException {
    String model = changed.model();
    Map<String, SavedRoute> nextApi = new HashMap<>(apiWeights);
    // A ramp's weights are the API's even where they equal the file's (a first step of 1 over a
    // file's 99/1): otherwise the next start would take them for the file's and end the ramp.
    if (apiWeights.containsKey(model)
        || (ramp != null && ramp.phase().isActive())
        || !weightsOf(served.route(model)).equals(weightsOf(changed))) {
      nextApi.put(model, new SavedRoute(weightsOf(fileRoutes.route(model)), weightsOf(changed)));
    }
    Map<String, Ramp> nextRamps = new HashMap<>(ramps);
    if (ramp != null) {
      nextRamps.put(model, ramp);
      // A new ramp, or a ramp in a new phase, starts its count of breaches afresh.
      breaches.remove(model);
      if (!ramp.phase().isActive()) {
        lastStable.remove(model);
      }
    }
    RoutingTable<Rewrite> next = replace(served, changed);
    try {
      commit(who, action, reason, model, figures, next, nextApi, nextRamps);
    } catch (IOException e) {
      log.error("Release control: cannot commit a change of {}", model, e);
      if (GATE_ROLLBACK.equals(action)) {
        // A failing canary must leave the data path even when the disk refuses the record of it:
        // served now, not durable; the ramp stays active, so the next breach commits it again.
        apply.accept(next);
        served = next;
      }
      throw refused(Status.INTERNAL, "state not committed, nothing changed: " + e.getMessage());
    }
    // Committed, then served: the endpoints are the ones in force, so the swap opens no channel.
    apply.accept(next);
    return new Snapshot(revision, served, apiWeights.keySet(), ramps);
  }

  /**
   * Lays the API's weights over {@code file}, dropping those whose file weights changed and ending
   * the ramps they belonged to.
   */
  private void adoptFile(RoutingTable<Rewrite> file, boolean first) throws IOException {
    Map<String, SavedRoute> kept = new HashMap<>();
    Map<String, Ramp> nextRamps = new HashMap<>();
    List<Route<Rewrite>> routes = new ArrayList<>();
    for (Route<Rewrite> route : file.routes()) {
      SavedRoute api = apiWeights.get(route.model());
      Ramp ramp = ramps.get(route.model());
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
      if (ramp != null && ramp.phase().isActive() && !kept.containsKey(route.model())) {
        ramp = ramp.ended(Phase.ABORTED, "the config file changed the route's weights");
      }
      if (ramp != null) {
        nextRamps.put(route.model(), ramp);
      }
      routes.add(effective);
    }
    RoutingTable<Rewrite> next = RoutingTable.of(routes);
    // Swap first: a reloaded file may name endpoints that cannot be dialled, and then the routes in
    // force stay and nothing is committed. (At start this only hands the table over.)
    apply.accept(next);
    RoutingTable<Rewrite> before = served;
    RoutingTable<Rewrite> beforeFile = fileRoutes;
    fileRoutes = file;
    try {
      commitAdopted(first, before, next, kept, nextRamps);
    } catch (IOException e) {
      // Not committed: serve what was in force, or the next API write would undo half a reload.
      fileRoutes = beforeFile;
      if (before != null) {
        apply.accept(before);
      }
      throw e;
    }
  }

  private void commitAdopted(
      boolean first,
      RoutingTable<Rewrite> before,
      RoutingTable<Rewrite> next,
      Map<String, SavedRoute> kept,
      Map<String, Ramp> nextRamps)
      throws IOException {
    if (first
        || !kept.equals(apiWeights)
        || !nextRamps.equals(ramps)
        || (before != null && !sameWeights(before, next))) {
      commit(
          CONFIG_FILE,
          CONFIG_FILE,
          first ? "first start" : "config file",
          null,
          Map.of(),
          next,
          kept,
          nextRamps);
    } else {
      served = next;
    }
  }

  /**
   * Commits {@code next} as a new revision with an audit entry for {@code model} (unless null) and
   * for each route whose weights change, appends those entries, and makes it the state in force;
   * the caller serves it.
   */
  private void commit(
      String who,
      String action,
      String reason,
      String model,
      Map<String, Double> figures,
      RoutingTable<Rewrite> next,
      Map<String, SavedRoute> nextApi,
      Map<String, Ramp> nextRamps)
      throws IOException {
    long nextRevision = revision + 1;
    String now = clock.instant().toString();
    List<AuditRecord> entries = new ArrayList<>();
    for (Route<Rewrite> route : next.routes()) {
      Map<String, Integer> was = servedWeights(route);
      boolean named = route.model().equals(model);
      if (named || !was.equals(weightsOf(route))) {
        entries.add(
            new AuditRecord(
                now,
                who,
                action,
                route.model(),
                was,
                weightsOf(route),
                reason,
                nextRevision,
                named ? figures : Map.of()));
      }
    }
    if (served != null) {
      for (Route<Rewrite> gone : served.routes()) {
        if (next.route(gone.model()) == null) {
          // A route the file dropped: audited too, so the log accounts for every weight served.
          entries.add(
              new AuditRecord(
                  now,
                  who,
                  action,
                  gone.model(),
                  weightsOf(gone),
                  Map.of(),
                  reason,
                  nextRevision,
                  Map.of()));
        }
      }
    }
    Map<String, SavedRamp> savedRamps = new HashMap<>();
    nextRamps.forEach((name, ramp) -> savedRamps.put(name, SavedRamp.of(ramp)));
    store.write(new SavedState(nextRevision, nextApi, savedRamps, entries));
    try {
      audit.append(entries);
    } catch (IOException e) {
      // The state is committed and a restart serves it (and appends these entries), so serve it.
      log.error("Release control: revision {} committed but not yet audited", nextRevision, e);
    }
    revision = nextRevision;
    apiWeights = Map.copyOf(nextApi);
    ramps = new HashMap<>(nextRamps);
    served = next;
  }

  /** The weights {@code route}'s model had before this change: served, or committed if unknown. */
  private Map<String, Integer> servedWeights(Route<Rewrite> route) {
    if (served != null) {
      return weightsOf(served.route(route.model()));
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
   * @param ramps each route's ramp, active or ended, by model
   */
  record Snapshot(
      long revision, RoutingTable<Rewrite> routes, Set<String> apiModels, Map<String, Ramp> ramps) {
    Snapshot {
      apiModels = Set.copyOf(apiModels);
      ramps = Map.copyOf(ramps);
    }
  }
}
