package io.infergate.infer.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.router.CanaryDrift;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Router;
import io.infergate.infer.router.RoutingTable;
import io.infergate.infer.router.Shadow;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.release.WindowFigures;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes in force: the router's {@link Router} over a table whose variants carry their {@link
 * VariantTarget}s, and the channels those use. Calls read the table through the router's one
 * volatile field; {@link #apply} builds the whole next table first (opening channels only to new
 * endpoints), and only once it is built commits it: one swap, then the channels to endpoints no
 * longer used drain and close. A call that read the old table finishes on it, so a reload fails no
 * call; a reload that cannot be built changes nothing.
 *
 * <p>{@link #apply} is also where the declared routes become the served ones: each {@code
 * dns:///name:port} endpoint is replaced by one endpoint per address of the name ({@link
 * EndpointDiscovery}). Every table goes through it (start, file reloads, release control's weight
 * writes), and when a name's addresses change the discovery thread serves the last declared table
 * again the same way: new pods get channels, the channels of pods gone drain, and each variant
 * keeps its breaker and window.
 */
public final class LiveRoutes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveRoutes.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(5);

  private final Function<Endpoint, ManagedChannel> dial;
  private final GatewayTelemetry telemetry;

  /** Reports the breaker state of each variant of the table in force; closed with the routes. */
  private final ObservableLongGauge breakerGauge;

  private final Router<VariantTarget> router = new Router<>(RoutingTable.empty());

  /** Header keys by name, made at apply time so that a call never makes one. Only grows. */
  private final ConcurrentMap<String, Metadata.Key<String>> headerKeys = new ConcurrentHashMap<>();

  /** Guarded by {@code this}, as are the next two. */
  private final Map<Endpoint, ManagedChannel> channels = new HashMap<>();

  private final Set<ManagedChannel> draining = new HashSet<>();

  /**
   * What the gateway learnt about each variant, by model and variant name; kept across reloads
   * while a variant's endpoints and policies stay the same. Guarded by {@code this}.
   */
  private final Map<String, VariantHealth> health = new HashMap<>();

  /**
   * Runs the route deadlines of calls that brought none, and retries a model server asked to delay;
   * one thread, because both are rare and short.
   */
  private final ScheduledExecutorService scheduler = Schedulers.daemon("gateway-timer");

  /**
   * Compares shadow answers with their primaries' and counts canary answers, on a thread of its
   * own.
   */
  private final AnswerDecoder agreement = new AnswerDecoder(AnswerDecoder.DEFAULT_CAPACITY);

  /** Reports each watched variant's canary drift; closed with the routes. */
  private final BatchCallback canaryDriftGauges;

  /**
   * Each watched variant's recent answers, by model and variant name; kept across reloads while the
   * route's window settings stay. Guarded by {@code this}.
   */
  private final Map<String, AnswerWindow> answerWindows = new HashMap<>();

  /**
   * Resolves the routes' names again; its own thread, as a DNS lookup may block for seconds, which
   * must delay no deadline on the timer.
   */
  private final ScheduledExecutorService discoveryThread = Schedulers.daemon("gateway-discovery");

  private final EndpointDiscovery discovery;

  /**
   * The routes last applied, names unresolved, and their drain timeout. Guarded by {@code this}.
   */
  private RoutingTable<Rewrite> declared = RoutingTable.empty();

  private Duration declaredDrainTimeout = Duration.ZERO;

  private boolean closed;

  /**
   * Routes with no table yet; {@code dial} opens the channel to an endpoint the first time a table
   * uses it (for the gateway: plaintext, direct executor, on the server's event loops).
   */
  public LiveRoutes(Function<Endpoint, ManagedChannel> dial) {
    this(dial, OpenTelemetry.noop());
  }

  /** As {@link #LiveRoutes(Function)}, recording calls' traces and metrics into {@code otel}. */
  public LiveRoutes(Function<Endpoint, ManagedChannel> dial, OpenTelemetry otel) {
    this(dial, otel, Resolver.system(), DEFAULT_DISCOVERY_INTERVAL);
  }

  /**
   * As {@link #LiveRoutes(Function, OpenTelemetry)}, finding the addresses of {@code dns:///}
   * endpoints with {@code resolver}, again every {@code discoveryInterval}.
   */
  public LiveRoutes(
      Function<Endpoint, ManagedChannel> dial,
      OpenTelemetry otel,
      Resolver resolver,
      Duration discoveryInterval) {
    this.dial = requireNonNull(dial, "dial");
    this.telemetry = new GatewayTelemetry(requireNonNull(otel, "otel"));
    this.discovery = new EndpointDiscovery(resolver);
    long intervalNanos = discoveryInterval.toNanos();
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException(
          "discoveryInterval: " + discoveryInterval + " (expected: > 0)");
    }
    this.breakerGauge = telemetry.breakerGauge(this::recordBreakers);
    this.canaryDriftGauges = telemetry.canaryDriftGauges(this::recordCanaryDrift);
    scheduler.scheduleAtFixedRate(this::rollWindows, 1, 1, TimeUnit.SECONDS);
    discoveryThread.scheduleWithFixedDelay(
        this::rediscover, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * What {@code model}'s variant {@code variant} answered over the newest {@code window} (whole
   * seconds, at most {@link io.infergate.infer.router.release.Gates#MAX_WINDOW}), or null if the
   * table in force has no such variant. Off the call path: takes this object's lock.
   */
  public synchronized WindowFigures figures(String model, String variant, Duration window) {
    VariantHealth known = health.get(model + "\0" + variant);
    return known == null ? null : known.window.figures(window);
  }

  /** The state of the variant's circuit breaker (CLOSED, OPEN, HALF_OPEN, ...), or null. */
  public synchronized String breakerState(String model, String variant) {
    VariantHealth known = health.get(model + "\0" + variant);
    return known == null ? null : known.breaker.getState().name();
  }

  private synchronized void rollWindows() {
    for (VariantHealth known : health.values()) {
      known.window.roll();
    }
  }

  GatewayTelemetry telemetry() {
    return telemetry;
  }

  /** The breaker gauge's callback, on the metric reader's thread: one volatile read. */
  private void recordBreakers(ObservableLongMeasurement into) {
    for (Route<VariantTarget> route : router.table().routes()) {
      for (int i = 0; i < route.variants().size(); i++) {
        VariantTarget target = route.target(i);
        target.telemetry.recordBreaker(target.health.breaker, into);
      }
    }
  }

  /**
   * The canary-drift gauges' callback, on the metric reader's thread: one volatile read, then each
   * watched route's windows summed and compared with their reference's (allocating a few arrays per
   * variant, once per collection).
   */
  private void recordCanaryDrift(GatewayTelemetry.CanaryGauges into) {
    for (Route<VariantTarget> route : router.table().routes()) {
      int reference = route.canaryReference();
      if (reference < 0) {
        continue;
      }
      AnswerWindow.Counts expected = route.target(reference).canary.window().sum();
      for (int i = 0; i < route.variants().size(); i++) {
        CanaryWatch watch = route.target(i).canary;
        if (i == reference) {
          watch.report(expected, null, into);
        } else {
          watch.report(watch.window().sum(), expected, into);
        }
      }
    }
  }

  /** Runs health checks and delayed retries. */
  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * An override header that nobody may use is almost always a config written before access rules
   * existed: say so once per load, so the operator learns why overrides stopped working.
   */
  private static void warnOfClosedOverrides(RoutingTable<Rewrite> routes) {
    for (Route<Rewrite> route : routes.routes()) {
      if (route.overrideHeader() != null && !route.overrideAccess().allowsSomeone()) {
        log.warn(
            "Route '{}': overrideHeader {} is ignored for every caller: the route has no"
                + " overrideAllow rule (see README, Access)",
            route.model(),
            route.overrideHeader());
      }
    }
  }

  /** The route in force for {@code model}, or null; one volatile read. */
  Route<VariantTarget> route(String model) {
    return router.route(model);
  }

  /** The value of header {@code name} in {@code headers}, or null if absent or {@code name} is. */
  String header(Metadata headers, String name) {
    return name == null ? null : headers.get(headerKeys.get(name));
  }

  /**
   * Removes header {@code name}, which must be one of the routes' headers, from {@code headers}.
   */
  void discard(Metadata headers, String name) {
    headers.discardAll(headerKeys.get(name));
  }

  /**
   * Swaps in {@code routes}; channels to endpoints that stay are kept, those to endpoints that go
   * drain for {@code drainTimeout}, then close.
   *
   * @throws RuntimeException if a channel cannot be opened; then nothing has changed
   */
  public void apply(RoutingTable<Rewrite> routes, Duration drainTimeout) {
    requireNonNull(routes, "routes");
    requireNonNull(drainTimeout, "drainTimeout");
    // Before the lock, which the window roller takes every second: a lookup may block.
    discovery.resolveNew(routes.routes());
    serve(routes, drainTimeout);
  }

  /**
   * Resolves the names of the routes in force again and, if an address changed, serves them anew.
   * On the discovery thread; a failure is logged and the routes in force stay.
   */
  void rediscover() {
    RoutingTable<Rewrite> current;
    synchronized (this) {
      current = declared;
    }
    try {
      if (discovery.refresh(current.routes())) {
        synchronized (this) {
          // Whatever was applied since: a table applied meanwhile is served with these answers too.
          if (!closed) {
            serve(declared, declaredDrainTimeout);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("Serving the routes with new DNS answers failed; the routes in force stay", e);
    }
  }

  /** Serves {@code declared} with the latest addresses of its names, as {@link #apply} says. */
  private synchronized void serve(RoutingTable<Rewrite> declared, Duration drainTimeout) {
    if (closed) {
      throw new IllegalStateException("the routes are closed");
    }
    Map<Endpoint, ManagedChannel> opened = new HashMap<>();
    Map<String, VariantHealth> learnt = new HashMap<>();
    Map<String, AnswerWindow> windows = new HashMap<>();
    Map<String, Metadata.Key<String>> keys = new HashMap<>();
    Set<Endpoint> used = new HashSet<>();
    RoutingTable<VariantTarget> next;
    try {
      List<Route<VariantTarget>> live = new ArrayList<>();
      for (Route<Rewrite> declaredRoute : declared.routes()) {
        Route<Rewrite> route = discovery.serve(declaredRoute);
        // Attribute sets per route and variant are made here, once per table, never per call.
        int reference = route.canaryReference();
        RouteTelemetry measured =
            new RouteTelemetry(
                telemetry,
                route.model(),
                route.shadow() == null ? null : route.shadow().variant(),
                reference < 0 ? null : route.variant(reference).name());
        live.add(
            route.withTargets(
                (variant, rewrite, balancer) -> {
                  VariantTelemetry measuredVariant = new VariantTelemetry(measured, variant.name());
                  return new VariantTarget(
                      variant,
                      channelsFor(variant, opened),
                      balancer,
                      route.resilience().limits().maxInFlightPerVariant(),
                      healthOf(declaredRoute, variant, learnt),
                      rewrite,
                      receivesCopies(route.shadow(), variant) ? route.shadow() : null,
                      agreement,
                      measuredVariant,
                      canaryWatch(route, variant, measuredVariant, windows));
                }));
        addKey(keys, route.stickyHeader());
        addKey(keys, route.overrideHeader());
        addKey(keys, route.overrideAccess().secretHeader());
        for (Variant variant : route.variants()) {
          used.addAll(variant.endpoints());
        }
      }
      next = RoutingTable.of(live);
    } catch (RuntimeException e) {
      opened.values().forEach(ManagedChannel::shutdownNow);
      throw e;
    }
    // Known good: commit. Keys first, so that no call on the new table misses one.
    headerKeys.putAll(keys);
    channels.putAll(opened);
    health.clear();
    health.putAll(learnt);
    answerWindows.clear();
    answerWindows.putAll(windows);
    router.swap(next);
    if (this.declared != declared) {
      warnOfClosedOverrides(declared);
    }
    this.declared = declared;
    this.declaredDrainTimeout = drainTimeout;
    List<ManagedChannel> retired = new ArrayList<>();
    channels
        .entrySet()
        .removeIf(entry -> !used.contains(entry.getKey()) && retired.add(entry.getValue()));
    if (!retired.isEmpty()) {
      drain(retired, drainTimeout);
    }
  }

  /**
   * Whether each route can serve now: whether one of its variants that takes traffic (weight above
   * 0, or in its fallback chain) has its breaker not open and a usable endpoint. Asks channels that
   * failed to connect to try again on the way, so that recovery does not wait on their backoff.
   *
   * @return by model, in table order
   */
  public Map<String, Boolean> servable() {
    Map<String, Boolean> result = new LinkedHashMap<>();
    long now = System.nanoTime();
    for (Route<VariantTarget> route : router.table().routes()) {
      boolean any = false;
      for (int i = 0; i < route.variants().size(); i++) {
        VariantTarget target = route.target(i);
        target.reconnectFailed();
        target.watchSlowStart(now);
        boolean takesTraffic =
            route.variant(i).weight() > 0 || route.fallback().contains(target.name);
        any |= takesTraffic && target.canServe();
      }
      result.put(route.model(), any);
    }
    return result;
  }

  /**
   * Whether some variant of every route has a connected endpoint (connecting those that are not);
   * for the warm-up, which waits for that before it sends its calls.
   */
  public boolean everyRouteConnected() {
    for (Route<VariantTarget> route : router.table().routes()) {
      boolean any = false;
      for (int i = 0; i < route.variants().size(); i++) {
        any |= route.target(i).anyConnected();
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  /**
   * Passes {@link #servable()} to {@code listener} now and then every {@code interval}, on the
   * routes' timer thread, until {@link #close}.
   */
  public void watchHealth(Duration interval, Consumer<Map<String, Boolean>> listener) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            listener.accept(servable());
          } catch (RuntimeException e) {
            log.warn("Health check failed", e);
          }
        },
        0,
        interval.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Calls of {@code model}'s route in force that were admitted and not yet answered; 0 if it has no
   * route. Calls admitted by a table a reload replaced are counted on that table, not here.
   */
  public int inFlight(String model) {
    Route<VariantTarget> route = router.route(model);
    return route == null ? 0 : route.admission().inFlight();
  }

  /** Shadow-copy counts of a model's route; {@link ShadowCounts#NONE} if it has no shadow. */
  public ShadowCounts shadowCounts(String model) {
    Route<VariantTarget> route = router.route(model);
    if (route == null || route.shadowVariant() < 0) {
      return ShadowCounts.NONE;
    }
    return route.target(route.shadowVariant()).copies.counts();
  }

  /**
   * Closes every channel at once, those draining included (calls still on them fail), and waits a
   * few seconds for them to terminate, so that the event loops they run on can stop after them.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      breakerGauge.close();
      canaryDriftGauges.close();
      telemetry.close();
    }
    closed = true;
    scheduler.shutdownNow();
    agreement.close();
    discoveryThread.shutdownNow();
    router.swap(RoutingTable.empty());
    List<ManagedChannel> all = new ArrayList<>(channels.values());
    all.addAll(draining);
    channels.clear();
    draining.clear();
    all.forEach(ManagedChannel::shutdownNow);
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    try {
      for (ManagedChannel channel : all) {
        channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The health of {@code served}, a variant of {@code route} as served: kept while the variant's
   * declared endpoints and breaker policy stay, so a change of DNS answers keeps its breaker and
   * window; its ejection state starts afresh when the endpoints served change.
   */
  private VariantHealth healthOf(
      Route<Rewrite> route, Variant served, Map<String, VariantHealth> learnt) {
    String key = route.model() + "\0" + served.name();
    Variant declaredVariant = declaredVariant(route, served.name());
    VariantHealth known = health.get(key);
    if (known == null || !known.fits(declaredVariant, route.resilience().breaker())) {
      known =
          new VariantHealth(
              route.model(),
              declaredVariant,
              served,
              route.resilience(),
              known == null ? new VariantWindow() : known.window);
    } else {
      known = known.serving(served, route.resilience());
    }
    learnt.put(key, known);
    return known;
  }

  /**
   * Where {@code variant}'s answers go when {@code route} compares them ({@code canaryDrift}), else
   * null: its window in force when the route's window settings are the same, else a new one.
   */
  private CanaryWatch canaryWatch(
      Route<?> route,
      Variant variant,
      VariantTelemetry measured,
      Map<String, AnswerWindow> windows) {
    CanaryDrift drift = route.canaryDrift();
    if (drift == null) {
      return null;
    }
    String key = route.model() + "\0" + variant.name();
    AnswerWindow window = answerWindows.get(key);
    if (window == null || !window.fits(drift)) {
      window = new AnswerWindow(drift, System::nanoTime);
    }
    windows.put(key, window);
    return CanaryWatch.of(window, agreement, measured, drift);
  }

  private static Variant declaredVariant(Route<Rewrite> route, String name) {
    for (Variant variant : route.variants()) {
      if (variant.name().equals(name)) {
        return variant;
      }
    }
    throw new IllegalStateException("no variant " + name + " in " + route.model());
  }

  private ManagedChannel[] channelsFor(Variant variant, Map<Endpoint, ManagedChannel> opened) {
    ManagedChannel[] result = new ManagedChannel[variant.endpoints().size()];
    for (int i = 0; i < result.length; i++) {
      Endpoint endpoint = variant.endpoints().get(i);
      ManagedChannel open = channels.get(endpoint);
      result[i] = open != null ? open : opened.computeIfAbsent(endpoint, dial);
    }
    return result;
  }

  private static boolean receivesCopies(Shadow shadow, Variant variant) {
    return shadow != null && shadow.variant().equals(variant.name());
  }

  private static void addKey(Map<String, Metadata.Key<String>> keys, String header) {
    if (header != null) {
      keys.put(header, Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER));
    }
  }

  /**
   * Lets calls already on {@code retired} finish for {@code timeout}, then cancels what is left. A
   * channel that is shut down takes no new call; calls that read the old table but had not started
   * yet route again on the new one ({@link ForwardingCall}).
   */
  private void drain(List<ManagedChannel> retired, Duration timeout) {
    draining.addAll(retired);
    retired.forEach(ManagedChannel::shutdown);
    Thread drainer =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + timeout.toNanos();
              try {
                for (ManagedChannel channel : retired) {
                  long left = Math.max(0, deadline - System.nanoTime());
                  if (!channel.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    log.warn("Channel {} still busy after {}; closing it", channel, timeout);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                retired.forEach(ManagedChannel::shutdownNow);
                forget(retired);
              }
            },
            "gateway-channel-drain");
    drainer.setDaemon(true);
    drainer.start();
  }

  private synchronized void forget(List<ManagedChannel> drained) {
    drained.forEach(draining::remove);
  }
}
