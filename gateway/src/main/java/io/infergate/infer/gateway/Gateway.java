package io.infergate.infer.gateway;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.infergate.infer.gateway.admin.LiveVariants;
import io.infergate.infer.gateway.admin.LiveVariants.LiveVariant;
import io.infergate.infer.gateway.config.DiscoveryConfig;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.gateway.config.UpstreamConfig;
import io.infergate.infer.gateway.proxy.ForwardingRegistry;
import io.infergate.infer.gateway.proxy.LiveRoutes;
import io.infergate.infer.gateway.proxy.Resolver;
import io.infergate.infer.gateway.proxy.ShadowCounts;
import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.observability.server.StandardServices;
import io.infergate.infer.observability.server.Warmup;
import io.infergate.infer.observability.server.WarmupConfig;
import io.infergate.infer.observability.transport.ClientTls;
import io.infergate.infer.observability.transport.ConnectionLimits;
import io.infergate.infer.observability.transport.NettyTransport;
import io.infergate.infer.observability.transport.TlsCredentials;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.RoutingTable;
import io.infergate.infer.router.release.WindowFigures;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: one server that forwards OIP and TF Serving calls to model servers by model,
 * with the gateway's own health and reflection. {@link #start(GatewayConfig)} runs it as {@code
 * bin/gateway} does, on Netty; {@link #builder()} runs it over any server builder and any way of
 * reaching endpoints, such as in-process ones in tests.
 */
public final class Gateway implements AutoCloseable {
  /** What ServerMetadata reports as the server's name. */
  public static final String NAME = "infergate-gateway";

  /** The gateway's metrics scope (the proxy's), so that transport counters sit beside them. */
  private static final String METER_SCOPE = "io.infergate.gateway";

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  /**
   * The longest a warm-up call may take: a model server that accepts calls but never answers then
   * delays SERVING by a few of these (rounds without an answer end the warm-up), not the budget.
   */
  private static final Duration WARMUP_CALL_TIMEOUT = Duration.ofSeconds(2);

  /** How often the warm-up looks whether the model servers have connected. */
  private static final long CONNECT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * How often the health of each model's backends is published: fast enough that a load balancer or
   * a rollout sees a dead model within a second or two, cheap because it only reads state.
   */
  private static final Duration HEALTH_INTERVAL = Duration.ofMillis(500);

  private final Server server;
  private final LiveRoutes routes;
  private final HealthStatusManager health;
  private final AtomicBoolean serving;
  private final List<AutoCloseable> closeAfter;
  private final Warmup.Report warmup;
  private volatile Duration drainTimeout;

  private Gateway(
      Server server,
      LiveRoutes routes,
      HealthStatusManager health,
      AtomicBoolean serving,
      List<AutoCloseable> closeAfter,
      Duration drainTimeout,
      Warmup.Report warmup) {
    this.warmup = warmup;
    this.server = server;
    this.routes = routes;
    this.health = health;
    this.serving = serving;
    this.closeAfter = closeAfter;
    this.drainTimeout = drainTimeout;
  }

  /**
   * Starts the gateway as {@code bin/gateway} runs it: on {@code config}'s host and port, over
   * Netty event loops (one per core: gateway code never blocks) that its channels to model servers
   * share, so a call and its forwarded twin run on one loop. Channels connect lazily.
   *
   * @throws UncheckedIOException {@code cannot listen on HOST:PORT: REASON}, if the address cannot
   *     be bound
   */
  public static Gateway start(GatewayConfig config) {
    return start(config, OpenTelemetry.noop());
  }

  /**
   * As {@link #start(GatewayConfig)}, recording traces and metrics through {@code telemetry}.
   *
   * @throws UncheckedIOException {@code cannot listen on HOST:PORT: REASON}, if the address cannot
   *     be bound
   */
  public static Gateway start(GatewayConfig config, OpenTelemetry telemetry) {
    return start(config, config.routes(), telemetry);
  }

  /**
   * As {@link #start(GatewayConfig, OpenTelemetry)}, serving {@code routes} instead of the file's
   * (release control's: the file's with committed API weights over them).
   *
   * @throws UncheckedIOException {@code cannot listen on HOST:PORT: REASON}, if the address cannot
   *     be bound
   */
  public static Gateway start(
      GatewayConfig config, RoutingTable<Rewrite> routes, OpenTelemetry telemetry) {
    requireNonNull(config, "config");
    requireNonNull(routes, "routes");
    requireNonNull(telemetry, "telemetry");
    NettyTransport transport =
        NettyTransport.create("gateway", Runtime.getRuntime().availableProcessors());
    Gateway gateway;
    try {
      gateway =
          builder()
              .netty(transport, config)
              .telemetry(telemetry)
              .routes(routes)
              .drainTimeout(config.drainTimeout())
              .reflection(config.reflection())
              .maxPeekedFields(config.maxPeekedFields())
              .discovery(Resolver.system(), config.discovery().interval())
              .warmup(config.warmup())
              .start();
    } catch (IOException e) {
      throw StandardServices.cannotListen(config.host(), config.port(), e);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
    log.info(
        "Gateway listening on {}:{} ({} transport, {}; {} to model servers)",
        config.host(),
        gateway.port(),
        transport.kind(),
        config.tls() == null ? "plaintext" : config.tls().describe(),
        config.upstream().tls() == null
            ? "plaintext"
            : config.upstream().tls().mutual() ? "mTLS" : "TLS");
    return gateway;
  }

  /** A gateway to assemble: its server, how it reaches endpoints, its first routes. */
  public static Builder builder() {
    return new Builder();
  }

  /** What the warm-up before SERVING did: calls made, time taken, why it stopped. */
  public Warmup.Report warmup() {
    return warmup;
  }

  /** The bound port, for a gateway on a socket. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /**
   * Swaps in a new configuration's routes and drain timeout; calls in flight finish on the routes
   * they started on. The listen address of a reloaded file is not changed.
   *
   * @throws RuntimeException if a channel to a new endpoint cannot be opened; then the routes in
   *     force stay
   */
  public void reload(GatewayConfig config) {
    reload(config, config.routes());
  }

  /**
   * As {@link #reload(GatewayConfig)}, serving {@code table} instead of the file's routes (release
   * control's, with API weights over them).
   */
  public void reload(GatewayConfig config, RoutingTable<Rewrite> table) {
    routes.apply(table, config.drainTimeout());
    drainTimeout = config.drainTimeout();
  }

  /**
   * Swaps in {@code table} as a reload does, keeping the drain timeout: how release control serves
   * new weights. Calls in flight finish on the routes they started on.
   */
  public void apply(RoutingTable<Rewrite> table) {
    routes.apply(table, drainTimeout);
  }

  /** What the data plane sees of each variant, for release control's gates and admin API. */
  public LiveVariants liveVariants() {
    return (model, variant, window) -> {
      WindowFigures figures = routes.figures(model, variant, window);
      return figures == null ? null : new LiveVariant(figures, routes.breakerState(model, variant));
    };
  }

  /**
   * Calls of {@code model} admitted and not yet answered, on the routes in force: what its {@code
   * limits.maxInFlight} is compared with. 0 when none, or when the model has no route.
   */
  public int inFlight(String model) {
    return routes.inFlight(model);
  }

  /** How the shadow copies of {@code model}'s route have fared. */
  public ShadowCounts shadowCounts(String model) {
    return routes.shadowCounts(model);
  }

  /**
   * Stops taking calls, lets in-flight ones finish for the drain timeout, cancels the rest, then
   * closes the channels to model servers and what the gateway was built to close.
   */
  @Override
  public void close() {
    serving.set(false);
    health.enterTerminalState();
    server.shutdown();
    if (!StandardServices.awaitOrCancel(server, drainTimeout)) {
      log.warn("Calls still in flight after {}; cancelled them", drainTimeout);
    }
    routes.close();
    closeAll(closeAfter);
    log.info("Gateway stopped");
  }

  /** Waits until the gateway has stopped. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Publishes each model's health under its name, and the gateway's own ("" and ServerReady): not
   * serving when no model can be served. A single dead model does not make the whole gateway
   * unready, which would take every other model down with it behind a load balancer.
   */
  private static void publish(
      Map<String, Boolean> servable, HealthStatusManager health, AtomicBoolean ready) {
    boolean any = false;
    for (Map.Entry<String, Boolean> model : servable.entrySet()) {
      health.setStatus(
          model.getKey(), model.getValue() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
      any |= model.getValue();
    }
    boolean now = any || servable.isEmpty();
    if (ready.getAndSet(now) != now) {
      // After close, the health manager is terminal and ignores this.
      health.setStatus("", now ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Closing {} failed", resource, e);
      }
    }
  }

  /** Collects a gateway's parts; {@link #start} starts it. */
  public static final class Builder {
    private ServerBuilder<?> server;
    private Consumer<HealthStatusManager> standardServices;
    private Function<Endpoint, ManagedChannel> channels;
    private RoutingTable<Rewrite> routes = RoutingTable.empty();
    private Duration drainTimeout = GatewayConfig.DEFAULT_DRAIN_TIMEOUT;
    private boolean reflection = GatewayConfig.DEFAULT_REFLECTION;
    private OpenTelemetry telemetry = OpenTelemetry.noop();
    private int maxPeekedFields = GatewayConfig.DEFAULT_MAX_PEEKED_FIELDS;
    private Resolver resolver = Resolver.system();
    private Duration discoveryInterval = DiscoveryConfig.DEFAULT_INTERVAL;
    private WarmupConfig warmup = WarmupConfig.OFF;

    /** The event loops a warm-up listener is served on; null for a server built elsewhere. */
    private NettyTransport warmupTransport;

    private int maxInboundMessageBytes = GatewayConfig.DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private final List<ServiceDescriptor> extraServices = new ArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    private Builder() {}

    /**
     * The server to serve on, with its address and executor set; gateway code never blocks, so give
     * it {@code directExecutor()}. The gateway adds its forwarding, health and reflection.
     */
    public <T extends ServerBuilder<T>> Builder server(T server) {
      this.server = requireNonNull(server, "server");
      this.standardServices = health -> StandardServices.add(server, health, reflection);
      return this;
    }

    /**
     * How to open the channel to an endpoint, the first time a table uses it (plaintext, and {@code
     * directExecutor()} for the same reason as the server's).
     */
    public Builder channels(Function<Endpoint, ManagedChannel> channels) {
      this.channels = requireNonNull(channels, "channels");
      return this;
    }

    /** The routes to start with; {@link Gateway#reload} swaps in others. */
    public Builder routes(RoutingTable<Rewrite> routes) {
      this.routes = requireNonNull(routes, "routes");
      return this;
    }

    /**
     * Serves plaintext on {@code host:port} over {@code transport}'s event loops, with plaintext
     * channels and the default limits; see {@link #netty(NettyTransport, GatewayConfig)}.
     */
    public Builder netty(NettyTransport transport, String host, int port) {
      return netty(
          transport,
          host,
          port,
          GatewayConfig.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
          ConnectionLimits.DEFAULT,
          InsecureServerCredentials.create(),
          UpstreamConfig.DEFAULT,
          InsecureChannelCredentials.create());
    }

    /**
     * Serves on {@code config}'s address with its TLS, message, connection and upstream settings.
     *
     * @throws IllegalArgumentException if a TLS file cannot be used; the message names it
     */
    public Builder netty(NettyTransport transport, GatewayConfig config) {
      ServerCredentials callers = InsecureServerCredentials.create();
      ChannelCredentials upstream = InsecureChannelCredentials.create();
      try {
        if (config.tls() != null) {
          callers = closeWhenDone("tls", () -> TlsCredentials.forServer(config.tls())).server();
        }
        ClientTls upstreamTls = config.upstream().tls();
        if (upstreamTls != null) {
          upstream =
              closeWhenDone("upstream.tls", () -> TlsCredentials.forChannels(upstreamTls))
                  .channel();
        }
      } catch (RuntimeException e) {
        closeAll(closeAfter);
        throw e;
      }
      return netty(
          transport,
          config.host(),
          config.port(),
          config.maxInboundMessageBytes(),
          config.connections(),
          callers,
          config.upstream(),
          upstream);
    }

    /**
     * Serves on {@code host:port} over {@code transport}'s event loops, with the channels to
     * endpoints on the same loops, as {@code bin/gateway} runs: direct executors (gateway code
     * never blocks), messages up to {@code maxInboundMessageBytes} both ways (grpc-java counts a
     * compressed message after inflating it, and refuses it with RESOURCE_EXHAUSTED before the
     * gateway sees it), {@code connections}' limits on each caller's connection. The gateway closes
     * the transport after itself.
     */
    private Builder netty(
        NettyTransport transport,
        String host,
        int port,
        int maxInboundMessageBytes,
        ConnectionLimits connections,
        ServerCredentials callers,
        UpstreamConfig upstream,
        ChannelCredentials upstreamCredentials) {
      this.warmupTransport = transport;
      this.maxInboundMessageBytes = maxInboundMessageBytes;
      server(
          transport
              .server(host, port, callers, connections)
              .directExecutor()
              .maxInboundMessageSize(maxInboundMessageBytes));
      long keepAliveNanos = upstream.keepAliveTime().toNanos();
      long keepAliveTimeoutNanos = upstream.keepAliveTimeout().toNanos();
      channels(
          endpoint ->
              transport
                  .channel(endpoint.host(), endpoint.port(), upstreamCredentials)
                  .directExecutor()
                  // The gateway retries what never reached a model itself, within a budget;
                  // grpc-java's own retries would multiply its attempts unseen.
                  .disableRetry()
                  .maxInboundMessageSize(maxInboundMessageBytes)
                  // Pings only while calls are in flight, as model servers permit by default.
                  .keepAliveTime(keepAliveNanos, TimeUnit.NANOSECONDS)
                  .keepAliveTimeout(keepAliveTimeoutNanos, TimeUnit.NANOSECONDS)
                  .keepAliveWithoutCalls(false)
                  .build());
      return closeAfter(transport);
    }

    /** Loads TLS files, naming {@code key} if they cannot be used, and closes them after. */
    private TlsCredentials closeWhenDone(String key, Supplier<TlsCredentials> files) {
      try {
        TlsCredentials credentials = files.get();
        closeAfter(credentials);
        return credentials;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
      }
    }

    /**
     * Whether to serve gRPC server reflection (the default); false leaves it out, so that callers
     * of a public port cannot list the services.
     */
    public Builder reflection(boolean reflection) {
      this.reflection = reflection;
      return this;
    }

    /** Where traces and metrics are recorded (default: nowhere). */
    public Builder telemetry(OpenTelemetry telemetry) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      return this;
    }

    /** The most fields read from a request body to find its model; see {@link GatewayConfig}. */
    public Builder maxPeekedFields(int maxPeekedFields) {
      if (maxPeekedFields < GatewayConfig.MIN_PEEKED_FIELDS) {
        throw new IllegalArgumentException(
            "maxPeekedFields: "
                + maxPeekedFields
                + " (expected: at least "
                + GatewayConfig.MIN_PEEKED_FIELDS
                + ")");
      }
      this.maxPeekedFields = maxPeekedFields;
      return this;
    }

    /**
     * How the addresses of {@code dns:///name:port} endpoints are found (default: the JVM's
     * resolver), and how often again (default 5s).
     */
    public Builder discovery(Resolver resolver, Duration interval) {
      this.resolver = requireNonNull(resolver, "resolver");
      this.discoveryInterval = requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How to warm the forwarding path before the port opens (default: off). Only a gateway served
     * over Netty ({@link #netty}) warms up: its warm-up listener runs on the same event loops.
     */
    public Builder warmup(WarmupConfig warmup) {
      this.warmup = requireNonNull(warmup, "warmup");
      return this;
    }

    /**
     * Waits, for at most the warm-up budget, until every route has a model server connected: in a
     * stack started at once the model servers open their ports after the gateway (once they are
     * warm), and a gateway cannot serve a model before they do anyway, so waiting costs its callers
     * little and lets the warm-up reach them. A route whose servers stay down holds the port back
     * for the budget once, then the gateway serves the others. Returns the milliseconds waited.
     */
    private long awaitConnections(LiveRoutes live) {
      long started = System.nanoTime();
      long deadline = started + warmup.maxDuration().toNanos();
      while (!live.everyRouteConnected() && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(CONNECT_POLL_NANOS);
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      }
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** How long calls may finish on close, and channels that a reload removed may drain. */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = requireNonNull(drainTimeout, "drainTimeout");
      return this;
    }

    /**
     * Also forwards {@code service}, a gRPC service outside OIP and TF Serving's public API (such
     * as KServe's streaming {@code ModelStreamInfer}, from a .proto that has it), routing each call
     * by the model name in field 1 of its first request message, where OIP requests carry it.
     */
    public Builder alsoForward(ServiceDescriptor service) {
      extraServices.add(requireNonNull(service, "service"));
      return this;
    }

    /** Something to close after the gateway has stopped, such as its event loops. */
    public Builder closeAfter(AutoCloseable resource) {
      closeAfter.add(requireNonNull(resource, "resource"));
      return this;
    }

    /**
     * Opens channels for the routes and starts serving. On failure everything started is closed
     * again, the {@link #closeAfter} resources included.
     *
     * @throws IOException if the server cannot start, such as when its port is taken
     */
    public Gateway start() throws IOException {
      requireNonNull(server, "server");
      requireNonNull(channels, "channels");
      if (warmupTransport != null) {
        closeAfter.add(
            warmupTransport.observeRefusedConnections(
                telemetry.getMeter(METER_SCOPE), "infergate.gateway.connections.refused"));
      }
      List<AutoCloseable> resources = List.copyOf(closeAfter);
      LiveRoutes live = new LiveRoutes(channels, telemetry, resolver, discoveryInterval);
      try {
        live.apply(routes, drainTimeout);
        HealthStatusManager health = new HealthStatusManager();
        AtomicBoolean serving = new AtomicBoolean();
        AtomicBoolean backendsReady = new AtomicBoolean(true);
        standardServices.accept(health);
        ForwardingRegistry forwarding =
            new ForwardingRegistry(
                live,
                NAME,
                ProjectVersion.current(),
                () -> serving.get() && backendsReady.get(),
                List.copyOf(extraServices),
                maxPeekedFields);
        server.fallbackHandlerRegistry(forwarding);
        Server built = server.build();
        Warmup.Report warmed = warmUp(forwarding, live);
        // Every model's status exists before the port opens: a health check naming a routed model
        // must never meet NOT_FOUND, which a prober reads as a typo rather than "not yet".
        publish(live.servable(), health, backendsReady);
        Server started = built.start();
        serving.set(true);
        health.setStatus(
            "", backendsReady.get() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        live.watchHealth(HEALTH_INTERVAL, servable -> publish(servable, health, backendsReady));
        return new Gateway(started, live, health, serving, resources, drainTimeout, warmed);
      } catch (IOException | RuntimeException e) {
        live.close();
        closeAll(resources);
        throw e;
      }
    }

    /**
     * Drives the forwarding path hot before the port opens ({@link Warmup}): the same forwarding is
     * served on a second listener, plaintext on 127.0.0.1 and an ephemeral port, and calls through
     * it reach each route's model servers (opening the channels to them, too). The port callers use
     * opens only afterwards, so neither a probe nor a caller reaches a cold gateway. Bounded: it
     * ends when latency settles, when the budget is spent, or as soon as no model server answers (a
     * gateway whose backends are down becomes SERVING at once, and its health then says which
     * models cannot be served).
     */
    private Warmup.Report warmUp(ForwardingRegistry forwarding, LiveRoutes live)
        throws IOException {
      if (warmupTransport == null || !warmup.active()) {
        if (warmupTransport != null) {
          log.info("Warm-up before SERVING is off");
        }
        return Warmup.Report.skipped("off");
      }
      long waited = awaitConnections(live);
      return Warmup.overLoopback(
          warmupTransport,
          maxInboundMessageBytes,
          listener -> listener.fallbackHandlerRegistry(forwarding),
          channel -> {
            Warmup.Report report =
                Warmup.run(
                    channel, ForwardingWarmup.calls(channel, routes), warmup, WARMUP_CALL_TIMEOUT);
            log.info(
                "Warmed up the forwarding path through the gateway before SERVING: {}{}",
                report.describe(),
                waited == 0
                    ? ""
                    : ", after " + waited + " ms waiting for model servers to connect");
            return report;
          });
    }
  }
}
