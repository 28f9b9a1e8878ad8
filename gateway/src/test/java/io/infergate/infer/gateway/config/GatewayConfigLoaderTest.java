package io.infergate.infer.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.gateway.admin.Role;
import io.infergate.infer.observability.config.Bound;
import io.infergate.infer.observability.config.ConfigException;
import io.infergate.infer.observability.testing.TestCertificates;
import io.infergate.infer.observability.testing.TestCertificates.Written;
import io.infergate.infer.observability.transport.ConnectionLimits;
import io.infergate.infer.router.CanaryDrift;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Shadow;
import io.infergate.infer.router.Variant;
import io.infergate.infer.router.policy.BalancePolicy;
import io.infergate.infer.router.policy.SlowStartPolicy;
import io.infergate.infer.router.resilience.BreakerPolicy;
import io.infergate.infer.router.resilience.Deadlines;
import io.infergate.infer.router.resilience.Limits;
import io.infergate.infer.router.resilience.OutlierPolicy;
import io.infergate.infer.router.resilience.Resilience;
import io.infergate.infer.router.resilience.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void aCompleteFileBindsToTheRoutersOwnTypes() throws IOException {
    GatewayConfig config =
        load(
            """
            host: 127.0.0.1
            port: 9000
            reloadCheckInterval: 250ms
            drainTimeout: 1m30s
            routes:
              - model: digits
                stickyHeader: x-user-id
                overrideHeader: x-variant-override
                shadow: {variant: candidate, fraction: 0.25, maxInFlight: 8, timeout: 2s}
                variants:
                  - {name: stable, weight: 90, endpoints: ["127.0.0.1:8500"], rewrite: {version: "1"}}
                  - name: canary
                    weight: 10
                    endpoints: ["10.0.0.2:8501", "[::1]:8502"]
                    balance: least_outstanding
                  - {name: candidate, weight: 0, endpoints: ["h:8503"]}
            """);

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.reloadCheckInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(90));
    Route<Rewrite> route = config.routes().route("digits");
    assertThat(route.stickyHeader()).isEqualTo("x-user-id");
    assertThat(route.overrideHeader()).isEqualTo("x-variant-override");
    assertThat(route.shadow()).isEqualTo(new Shadow("candidate", 0.25, 8, Duration.ofSeconds(2)));
    assertThat(route.variants())
        .containsExactly(
            new Variant(
                "stable", 90, List.of(new Endpoint("127.0.0.1", 8500)), BalancePolicy.ROUND_ROBIN),
            new Variant(
                "canary",
                10,
                List.of(new Endpoint("10.0.0.2", 8501), new Endpoint("::1", 8502)),
                BalancePolicy.LEAST_OUTSTANDING),
            new Variant(
                "candidate", 0, List.of(new Endpoint("h", 8503)), BalancePolicy.ROUND_ROBIN));
    assertThat(route.target(0)).isEqualTo(new Rewrite(null, "1"));
    assertThat(route.target(1)).isSameAs(Rewrite.NONE);
  }

  @Test
  void absentKeysTakeTheirDefaults() throws IOException {
    GatewayConfig config =
        load("routes: [{model: m, variants: [{name: a, weight: 1, endpoints: [\"h:1\"]}]}]");

    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.reloadCheckInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.routes().route("m").shadow()).isNull();
    assertThat(config.maxInboundMessageBytes()).isEqualTo(64 << 20);
    assertThat(config.maxPeekedFields()).isEqualTo(4096);
    assertThat(config.connections()).isEqualTo(ConnectionLimits.DEFAULT);
    assertThat(config.upstream()).isEqualTo(UpstreamConfig.DEFAULT);
  }

  @Test
  void eachResilienceKeyLeftOutTakesItsOwnDefaultBesideTheKeysGiven() throws IOException {
    Resilience resilience =
        load("""
                routes:
                  - model: m
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                    deadline: {default: 2s}
                    limits: {maxInFlight: 5}
                    breaker: {minimumCalls: 3}
                    outlier: {maxEjectionPercent: 10}
                    retry: {maxAttempts: 1}
                """)
            .routes()
            .route("m")
            .resilience();

    assertThat(resilience.deadlines())
        .isEqualTo(new Deadlines(Duration.ofSeconds(2), Duration.ofMinutes(5)));
    assertThat(resilience.limits()).isEqualTo(new Limits(5, 1024, Duration.ofMillis(100)));
    BreakerPolicy breaker = BreakerPolicy.DEFAULT;
    assertThat(resilience.breaker())
        .isEqualTo(
            new BreakerPolicy(
                breaker.window(),
                3,
                breaker.failureRate(),
                breaker.slowCall(),
                breaker.slowCallRate(),
                breaker.openFor(),
                breaker.halfOpenCalls(),
                breaker.maxHalfOpen()));
    assertThat(resilience.outlier())
        .isEqualTo(new OutlierPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(30), 10));
    assertThat(resilience.retry()).isEqualTo(new RetryPolicy(1, 0.2, 10));
    assertThat(resilience.slowStart()).isEqualTo(SlowStartPolicy.OFF);

    Resilience untouched =
        load("routes: [{model: m, variants: [{name: a, weight: 1, endpoints: [\"h:1\"]}]}]")
            .routes()
            .route("m")
            .resilience();
    assertThat(untouched).isEqualTo(Resilience.DEFAULT);
  }

  @Test
  void anUnknownKeyBesideABadValueLeavesTheBadValuesPathAlone() {
    assertThat(
            problems(
                """
                routes:
                  - model: m
                    outlier: {maxEjectionPercent: 500, colour: red}
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                  - model: n
                    outlier: {colour: red, maxEjectionPercent: 500}
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                """))
        .containsExactlyInAnyOrder(
            "routes[0].outlier.colour: unknown key (expected one of: baseEjectionTime,"
                + " consecutiveFailures, maxEjectionPercent, maxEjectionTime)",
            "routes[0].outlier.maxEjectionPercent: 500 (expected: 0..100)",
            "routes[1].outlier.colour: unknown key (expected one of: baseEjectionTime,"
                + " consecutiveFailures, maxEjectionPercent, maxEjectionTime)",
            "routes[1].outlier.maxEjectionPercent: 500 (expected: 0..100)");
  }

  @Test
  void messageConnectionAndUpstreamLimitsBindFromTheFile() throws IOException {
    GatewayConfig config =
        load(
            """
            maxInboundMessageBytes: 1024
            maxPeekedFields: 16
            connections:
              maxConcurrentCallsPerConnection: 1
              maxInboundMetadataBytes: 1024
              maxRstFramesPerWindow: 0
              rstFramesWindow: 1s
              permitKeepAliveTime: 0s
              permitKeepAliveWithoutCalls: true
              maxConnectionIdle: 0s
              maxConnectionAge: 24h
              maxConnectionAgeGrace: 0s
              newPerSourcePerSecond: 0
              newPerSourceBurst: 7
            upstream: {keepAliveTime: 10s, keepAliveTimeout: 1s}
            routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
            """);

    assertThat(config.maxInboundMessageBytes()).isEqualTo(1024);
    assertThat(config.maxPeekedFields()).isEqualTo(16);
    assertThat(config.connections())
        .isEqualTo(
            new ConnectionLimits(
                1,
                1024,
                0,
                Duration.ofSeconds(1),
                Duration.ZERO,
                true,
                Duration.ZERO,
                Duration.ofHours(24),
                Duration.ZERO,
                0,
                7));
    assertThat(config.upstream())
        .isEqualTo(new UpstreamConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), null));
  }

  @Test
  void tlsProblemsAreNamedByTheirKeysOnBothSides() {
    assertThat(
            problems(
                """
                tls: {privateKey: /nonexistent/gateway.key, clientAuth: REQUIRE}
                upstream:
                  tls: {certChain: /nonexistent/client.crt, refreshInterval: 25h}
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactlyInAnyOrder(
            "tls.clientAuth: \"REQUIRE\" (expected: none, optional or require)",
            "tls.certChain: missing (expected: a PEM file)",
            "tls.privateKey: /nonexistent/gateway.key (expected: a readable PEM file)",
            "upstream.tls.certChain: /nonexistent/client.crt (expected: a readable PEM file)",
            "upstream.tls.privateKey: missing (expected: certChain and privateKey together, or"
                + " neither)",
            "upstream.tls.refreshInterval: 25h0m0s (expected: a duration in 0s..24h)");
  }

  @Test
  void limitsJustOutsideTheirRangesAreEachNamedByTheirKey() {
    assertThat(
            problems(
                """
                maxInboundMessageBytes: 1023
                maxPeekedFields: 15
                connections:
                  maxConcurrentCallsPerConnection: 0
                  maxInboundMetadataBytes: 1023
                  maxRstFramesPerWindow: -1
                  rstFramesWindow: 1500ms
                  permitKeepAliveTime: -1s
                  maxConnectionIdle: 25h
                  maxConnectionAge: -1s
                  maxConnectionAgeGrace: 25h
                  newPerSourcePerSecond: -1
                  newPerSourceBurst: 0
                  maxStreams: 5
                upstream: {keepAliveTime: 9s, keepAliveTimeout: 999ms}
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactlyInAnyOrder(
            "maxInboundMessageBytes: 1023 (expected: an integer in 1024..2147483647)",
            "maxPeekedFields: 15 (expected: an integer in 16..2147483647)",
            "connections.maxConcurrentCallsPerConnection: 0 (expected: an integer in"
                + " 1..2147483647)",
            "connections.maxInboundMetadataBytes: 1023 (expected: an integer in 1024..1048576)",
            "connections.maxRstFramesPerWindow: -1 (expected: an integer in 0..2147483647)",
            "connections.rstFramesWindow: 1.5s (expected: whole seconds in 1s..1h)",
            "connections.permitKeepAliveTime: -1s (expected: a duration in 0s..24h)",
            "connections.maxConnectionIdle: 25h0m0s (expected: a duration in 0s..24h)",
            "connections.maxConnectionAge: -1s (expected: a duration in 0s..24h)",
            "connections.maxConnectionAgeGrace: 25h0m0s (expected: a duration in 0s..24h)",
            "connections.newPerSourcePerSecond: -1 (expected: an integer in 0..1000000)",
            "connections.newPerSourceBurst: 0 (expected: an integer in 1..1000000)",
            "connections.maxStreams: unknown key (expected one of: maxConcurrentCallsPerConnection,"
                + " maxConnectionAge, maxConnectionAgeGrace, maxConnectionIdle,"
                + " maxInboundMetadataBytes, maxRstFramesPerWindow, newPerSourceBurst,"
                + " newPerSourcePerSecond, permitKeepAliveTime, permitKeepAliveWithoutCalls,"
                + " rstFramesWindow)",
            "upstream.keepAliveTime: 9s (expected: a duration in 10s..1h0m0s)",
            "upstream.keepAliveTimeout: 999ms (expected: a duration in 1s..1h0m0s)");
  }

  @Test
  void dnsEndpointsBindAsNamesToResolveAndTheirIntervalAtItsLimits() throws IOException {
    String routes =
        """
        routes:
          - model: digits
            variants:
              - {name: stable, weight: 1, endpoints: ["dns:///digits-stable.models.svc:8500"]}
              - {name: canary, weight: 0, endpoints: ["dns:///digits-canary.models.svc:8500", "h:1"]}
        """;

    GatewayConfig config = load(routes);

    assertThat(config.discovery().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.routes().route("digits").variant(1).endpoints())
        .containsExactly(
            new Endpoint("digits-canary.models.svc", 8500, true), new Endpoint("h", 1));
    assertThat(load("discovery: {interval: 1s}\n" + routes).discovery().interval())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(load("discovery: {interval: 1h}\n" + routes).discovery().interval())
        .isEqualTo(Duration.ofHours(1));
    assertThat(problems("discovery: {interval: 999ms}\n" + routes))
        .containsExactly("discovery.interval: 999ms (expected: a duration in 1s..1h0m0s)");
    assertThat(problems("discovery: {interval: 1h0m1s}\n" + routes))
        .containsExactly("discovery.interval: 1h0m1s (expected: a duration in 1s..1h0m0s)");
    assertThat(problems("discovery: {every: 2s}\n" + routes))
        .containsExactly("discovery.every: unknown key (expected one of: interval)");
  }

  @Test
  void aBadDnsEndpointIsNamedByItsKey() {
    assertThat(
            problems(
                """
                routes:
                  - model: digits
                    variants:
                      - {name: stable, weight: 1, endpoints: ["h:1"]}
                      - {name: canary, weight: 1, endpoints: ["dns://10.0.0.10/canary.svc:8500", "dns:///canary.svc"]}
                """))
        .containsExactly(
            "routes[0].variants[1].endpoints[0]: \"dns://10.0.0.10/canary.svc:8500\" (expected:"
                + " dns:///name:port with a port in 1..65535)",
            "routes[0].variants[1].endpoints[1]: \"dns:///canary.svc\" (expected: dns:///name:port"
                + " with a port in 1..65535)");
  }

  @Test
  void theShippedUpstreamKeepaliveIsOneTheModelServersPermit() {
    // Both servers take ConnectionLimits' defaults; a gateway pinging more often than a model
    // server permits would have its connections closed with ENHANCE_YOUR_CALM.
    assertThat(UpstreamConfig.DEFAULT.keepAliveTime())
        .isGreaterThanOrEqualTo(ConnectionLimits.DEFAULT.permitKeepAliveTime());
  }

  @Test
  void everyRoutingProblemIsReportedAtOnceWithItsPathInTheRoutersWords() {
    assertThat(
            problems(
                """
                colour: blue
                routes:
                  - model: digits
                    stickyHeader: X-User
                    shadow: {variant: ghost, fraction: 2, timeout: soon}
                    variants:
                      - {name: stable, weight: -5, endpoints: ["127.0.0.1:8500"]}
                      - {name: stable, weight: 1, endpoints: ["nowhere"], balance: random}
                      - {name: c, weight: 1, endpoints: ["h:1"], rewrite: {version: latest}}
                      - {name: d, wieght: 1, endpoints: ["h:1"]}
                  - model: other
                    variants: []
                  - model: typo
                    overrideHeader: grpc-variant
                    variants: [{name: a, weight: 0, endpoints: ["h:1"]}]
                """))
        .containsExactlyInAnyOrder(
            "colour: unknown key (expected one of: admin, connections, discovery, drainTimeout,"
                + " host, maxInboundMessageBytes, maxPeekedFields, port, reflection,"
                + " reloadCheckInterval, routes, telemetry, tls, upstream, warmup)",
            "routes[0].shadow.timeout: \"soon\" (expected: a duration, e.g. 250ms, 10s, 1h30m)",
            "routes[0].shadow.fraction: 2.0 (expected: > 0 and <= 1)",
            "routes[0].stickyHeader: \"X-User\" (expected: absent, or a lower-case header name of a-z, 0-9, '-', '_' and '.', not grpc-* or *-bin)",
            "routes[0].variants[0].weight: -5 (expected: >= 0)",
            "routes[0].variants[1].endpoints[0]: \"nowhere\" (expected: host:port with a port in"
                + " 1..65535)",
            "routes[0].variants[1].balance: \"random\" (expected: one of round_robin,"
                + " least_outstanding)",
            "routes[0].variants[2].rewrite.version: \"latest\" (expected: a positive integer)",
            "routes[0].variants[3].wieght: unknown key (expected one of: balance, endpoints, name,"
                + " rewrite, weight)",
            "routes[0].variants[3].weight: missing (expected: an integer >= 0)",
            "routes[1].variants: missing (expected: at least one)",
            "routes[2].overrideHeader: \"grpc-variant\" (expected: absent, or a lower-case header"
                + " name of a-z, 0-9, '-', '_' and '.', not grpc-* or *-bin)",
            "routes[2].variants: total weight 0 (expected: 1..2147483647)");
  }

  @Test
  void aRoutesOwnProblemsAreReportedTogether() {
    assertThat(
            problems(
                """
                routes:
                  - model: digits
                    stickyHeader: X-User
                    shadow: {variant: ghost, fraction: 0.5}
                    variants:
                      - {name: stable, weight: 1, endpoints: ["h:1"]}
                      - {name: stable, weight: 1, endpoints: ["h:2"]}
                """))
        .containsExactly(
            "routes[0].variants[1].name: \"stable\" (expected: unique, but variants[0] has it"
                + " too)",
            "routes[0].stickyHeader: \"X-User\" (expected: absent, or a lower-case header name of"
                + " a-z, 0-9, '-', '_' and '.', not grpc-* or *-bin)",
            "routes[0].shadow.variant: \"ghost\" (expected: one of [stable, stable])");
  }

  @Test
  void theTopLevelIsCheckedToo() {
    assertThat(
            problems(
                """
                port: 70000
                reloadCheckInterval: -1s
                drainTimeout: 2h
                routes:
                  - {model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}
                  - {model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}
                """))
        .containsExactly(
            "port: 70000 (expected: 0..65535)",
            "reloadCheckInterval: -1s (expected: 0s..1h)",
            "drainTimeout: 2h0m0s (expected: 0s..1h)",
            "routes[1].model: \"m\" (expected: unique, but routes[0] has it too)");
    assertThat(problems("host: 127.0.0.1\n"))
        .containsExactly("routes: missing (expected: at least one route)");
  }

  @Test
  void anAbsurdDurationIsRefusedWithAMessage() {
    assertThat(
            problems(
                """
                drainTimeout: 999999999999999999m
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactly(
            "drainTimeout: \"999999999999999999m\" (expected: a duration, e.g. 250ms, 10s,"
                + " 1h30m)");
  }

  @Test
  void anAdminPortWithoutTokensOrStateIsRefusedNamingEachKey() {
    assertThat(
            problems(
                """
                admin: {port: 70000}
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactly(
            "admin.port: 70000 (expected: 0..65535)",
            "admin.tokensFile: missing (expected: a file of TOKEN ROLE NAME lines, or clientRoles"
                + " with tls.clientCa)",
            "admin.stateDir: missing (expected: a directory for routing state and audit log)");
  }

  @Test
  void adminClientRolesNeedKnownRolesAndAClientCaNamingEachKey() {
    assertThat(
            problems(
                """
                admin:
                  stateDir: s
                  clientRoles: {ci-bot: operator, vera: root}
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactly("admin.clientRoles.vera: \"root\" (expected: viewer, operator or admin)");
    assertThat(
            problems(
                """
                admin:
                  stateDir: s
                  clientRoles: {ci-bot: operator}
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactly(
            "admin.clientRoles: 1 name(s) (expected: tls.clientCa to verify client certificates"
                + " against)");
  }

  @Test
  void adminTlsIsCheckedAsTheDataPortsNamingItsKeys() {
    assertThat(
            problems(
                """
                admin:
                  tokensFile: t.txt
                  stateDir: s
                  tls: {privateKey: /nonexistent/admin.key}
                routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                """))
        .containsExactly(
            "admin.tls.certChain: missing (expected: a PEM file)",
            "admin.tls.privateKey: /nonexistent/admin.key (expected: a readable PEM file)");
  }

  @Test
  void anAdminPortOfClientCertificatesAloneNeedsNoTokensFile() throws IOException {
    Written admin = TestCertificates.authority("admin CA").server("admin").written(dir, "admin");
    Path ca = TestCertificates.authority("client CA").writeCertificate(dir, "ca");
    AdminConfig config =
        GatewayConfigLoader.of(
                write(
                    """
                    admin:
                      stateDir: s
                      tls: {certChain: "%s", privateKey: "%s", clientCa: "%s"}
                      clientRoles: {"spiffe://example.org/ci-bot": operator, vera: viewer}
                    routes: [{model: m, variants: [{name: a, weight: 1, endpoints: ["h:1"]}]}]
                    """
                        .formatted(admin.certificate(), admin.key(), ca)))
            .load()
            .value()
            .admin();

    assertThat(config.tokensFile()).isNull();
    assertThat(config.tls().mutual()).isTrue();
    assertThat(config.clientRoles())
        .containsExactly(
            Map.entry("spiffe://example.org/ci-bot", Role.OPERATOR),
            Map.entry("vera", Role.VIEWER));
  }

  @Test
  void anAdminPortTakesItsDefaultsAndIsOffUnlessConfigured() throws IOException {
    String routes =
        "routes: [{model: m, variants: [{name: a, weight: 1, endpoints: [\"h:1\"]}]}]\n";
    assertThat(GatewayConfigLoader.of(write(routes)).load().value().admin()).isNull();

    AdminConfig admin =
        GatewayConfigLoader.of(write("admin: {tokensFile: t.txt, stateDir: s}\n" + routes))
            .load()
            .value()
            .admin();

    assertThat(admin).isEqualTo(new AdminConfig("127.0.0.1", 8090, Path.of("t.txt"), Path.of("s")));
  }

  @Test
  void textThatIsNotYamlIsRefusedWithTheFileName() throws IOException {
    Path file = write("routes: [");

    assertThatThrownBy(() -> GatewayConfigLoader.of(file).load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheFileAndTheReportSaysWhichIsWhich()
      throws IOException {
    Path file =
        write(
            """
            host: 10.0.0.1
            port: 9000
            routes:
              - model: digits
                variants:
                  - {name: stable, weight: 1, endpoints: ["h:1"], balance: least_outstanding}
            """);

    Bound<GatewayConfig> bound =
        new GatewayConfigLoader(
                file,
                Map.of("GATEWAY_HOST", "127.0.0.1", "GATEWAY_PORT", "9001", "PATH", "/bin"),
                Map.of("port", "0"))
            .load();

    assertThat(bound.value().host()).isEqualTo("127.0.0.1");
    assertThat(bound.value().port()).isZero();
    assertThat(bound.effective())
        .containsExactly(
            "host=127.0.0.1 (env)",
            "port=0 (flag)",
            "reloadCheckInterval=1s (default)",
            "drainTimeout=10s (default)",
            "reflection=true (default)",
            "maxInboundMessageBytes=67108864 (default)",
            "maxPeekedFields=4096 (default)",
            "connections.maxConcurrentCallsPerConnection=1024 (default)",
            "connections.maxInboundMetadataBytes=8192 (default)",
            "connections.maxRstFramesPerWindow=2000 (default)",
            "connections.rstFramesWindow=10s (default)",
            "connections.permitKeepAliveTime=10s (default)",
            "connections.permitKeepAliveWithoutCalls=false (default)",
            "connections.maxConnectionIdle=1h0m0s (default)",
            "connections.maxConnectionAge=30m0s (default)",
            "connections.maxConnectionAgeGrace=1m0s (default)",
            "connections.newPerSourcePerSecond=10 (default)",
            "connections.newPerSourceBurst=100 (default)",
            "upstream.keepAliveTime=30s (default)",
            "upstream.keepAliveTimeout=10s (default)",
            "discovery.interval=5s (default)",
            "telemetry.metricsPort=9464 (default)",
            "telemetry.metricsHost=0.0.0.0 (default)",
            "telemetry.metricsEnabled=true (default)",
            "telemetry.otlpProtocol=grpc (default)",
            "telemetry.traceSampleRatio=0.01 (default)",
            "telemetry.otlpMetricsInterval=1m0s (default)",
            "routes[0].model=digits (file)",
            "routes[0].variants[0].name=stable (file)",
            "routes[0].variants[0].weight=1 (file)",
            "routes[0].variants[0].endpoints=[\"h:1\"] (file)",
            "routes[0].variants[0].balance=least_outstanding (file)",
            "routes[0].deadline.default=30s (default)",
            "routes[0].deadline.max=5m0s (default)",
            "routes[0].limits.maxInFlight=1024 (default)",
            "routes[0].limits.maxInFlightPerVariant=1024 (default)",
            "routes[0].limits.pushback=100ms (default)",
            "routes[0].breaker.window=10s (default)",
            "routes[0].breaker.minimumCalls=20 (default)",
            "routes[0].breaker.failureRate=50.0 (default)",
            "routes[0].breaker.slowCall=5s (default)",
            "routes[0].breaker.slowCallRate=80.0 (default)",
            "routes[0].breaker.openFor=5s (default)",
            "routes[0].breaker.halfOpenCalls=5 (default)",
            "routes[0].breaker.maxHalfOpen=10s (default)",
            "routes[0].outlier.consecutiveFailures=5 (default)",
            "routes[0].outlier.baseEjectionTime=5s (default)",
            "routes[0].outlier.maxEjectionTime=30s (default)",
            "routes[0].outlier.maxEjectionPercent=50 (default)",
            "routes[0].retry.maxAttempts=3 (default)",
            "routes[0].retry.budgetRatio=0.2 (default)",
            "routes[0].retry.minRetriesPerSecond=10 (default)",
            "routes[0].slowStart.window=0s (default)",
            "warmup.enabled=true (default)",
            "warmup.maxDuration=20s (default)",
            "warmup.minCalls=2000 (default)",
            "warmup.concurrency=8 (default)");
  }

  @Test
  void aBadEnvironmentVariableIsNamedByItsKey() throws IOException {
    Path file =
        write("routes: [{model: m, variants: [{name: a, weight: 1, endpoints: [\"h:1\"]}]}]");

    assertThatThrownBy(
            () -> new GatewayConfigLoader(file, Map.of("GATEWAY_PORT", "eighty"), Map.of()).load())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly("port: \"eighty\" (expected: an integer)"));
  }

  @Test
  void overrideAccessProblemsNameTheirKeysAndTokensNeverReachTheReport() throws IOException {
    assertThat(
            problems(
                """
                routes:
                  - model: digits
                    overrideHeader: x-variant-override
                    overrideAllow: {users: x, secretHeader: x-token, secrets: [short]}
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                  - model: other
                    overrideDenied: refuse
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                """))
        .containsExactlyInAnyOrder(
            "routes[0].overrideAllow.users: unknown key (expected one of: anyCaller, identities,"
                + " secretHeader, secrets, secretsEnv)",
            "routes[0].overrideAllow.secrets[0]: a token of 5 characters (expected: 16..1024 visible"
                + " ASCII characters, no spaces or commas)",
            "routes[1].overrideAllow: set without overrideHeader (expected: overrideHeader, or"
                + " neither overrideAllow nor overrideDenied)");

    Bound<GatewayConfig> bound =
        GatewayConfigLoader.of(
                write(
                    """
                    routes:
                      - model: digits
                        overrideHeader: x-variant-override
                        overrideAllow: {secretHeader: x-token, secrets: ["0123456789abcdef"]}
                        overrideDenied: refuse
                        shadow: {variant: a, fraction: 0.5, headers: [authorization]}
                        variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                    """))
            .load();
    assertThat(bound.effective())
        .contains(
            "routes[0].overrideAllow.secretHeader=x-token (file)",
            "routes[0].overrideDenied=refuse (file)",
            "routes[0].shadow.headers=[\"authorization\"] (file)")
        .noneMatch(line -> line.contains("0123456789abcdef"));
  }

  @Test
  void canaryDriftTakesItsDefaultsAndReportsItsReferenceAsResolved() throws IOException {
    GatewayConfig config =
        load(
            """
            routes:
              - model: digits
                canaryDrift: {}
                variants:
                  - {name: stable, weight: 90, endpoints: ["h:1"]}
                  - {name: canary, weight: 10, endpoints: ["h:2"]}
            """);

    Route<Rewrite> route = config.routes().route("digits");
    assertThat(route.canaryDrift())
        .isEqualTo(new CanaryDrift(null, Duration.ofMinutes(5), Duration.ofSeconds(10), 100, 1.0));
    assertThat(route.canaryReference()).isZero();
    assertThat(
            GatewayConfigLoader.of(
                    write(
                        """
                        routes:
                          - model: digits
                            canaryDrift: {window: 1m, bucket: 5s, minAnswers: 20, fraction: 0.5}
                            variants:
                              - {name: stable, weight: 1, endpoints: ["h:1"]}
                              - {name: canary, weight: 3, endpoints: ["h:2"]}
                        """))
                .load()
                .effective())
        .contains(
            // Not in the file: the heaviest variant, as resolved.
            "routes[0].canaryDrift.reference=canary (default)",
            "routes[0].canaryDrift.window=1m0s (file)",
            "routes[0].canaryDrift.minAnswers=20 (file)",
            "routes[0].canaryDrift.fraction=0.5 (file)");
  }

  @Test
  void everyCanaryDriftProblemIsNamedWithItsPath() {
    assertThat(
            problems(
                """
                routes:
                  - model: digits
                    canaryDrift:
                      reference: nightly
                      window: 7s
                      bucket: 2s
                      minAnswers: 0
                      fraction: 0
                    variants:
                      - {name: stable, weight: 1, endpoints: ["h:1"]}
                      - {name: canary, weight: 1, endpoints: ["h:2"]}
                  - model: other
                    canaryDrift: {reference: ghost}
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                  - model: third
                    canaryDrift: {colour: red}
                    variants: [{name: a, weight: 1, endpoints: ["h:1"]}]
                """))
        .containsExactlyInAnyOrder(
            "routes[2].canaryDrift.colour: unknown key (expected one of: bucket, fraction,"
                + " minAnswers, reference, window)",
            "routes[0].canaryDrift.window: PT7S (expected: 1..360 whole buckets of PT2S)",
            "routes[0].canaryDrift.minAnswers: 0 (expected: 1..2147483647)",
            "routes[0].canaryDrift.fraction: 0.0 (expected: > 0 and <= 1)",
            "routes[1].canaryDrift.reference: \"ghost\" (expected: one of [a])");
  }

  @Test
  void reflectionIsOnByDefaultMayBeTurnedOffAndTakesOnlyTrueOrFalse() throws IOException {
    String routes =
        "routes: [{model: m, variants: [{name: a, weight: 1, endpoints: [\"h:1\"]}]}]\n";

    assertThat(load(routes).reflection()).isTrue();
    assertThat(load("reflection: false\n" + routes).reflection()).isFalse();
    assertThat(problems("reflection: maybe\n" + routes))
        .containsExactly("reflection: \"maybe\" (expected: true or false)");
  }

  private GatewayConfig load(String yaml) throws IOException {
    return GatewayConfigLoader.of(write(yaml)).load().value();
  }

  private List<String> problems(String yaml) {
    try {
      GatewayConfigLoader.of(write(yaml)).load();
    } catch (ConfigException e) {
      return e.problems();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("the file was accepted:\n" + yaml);
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "gateway", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
