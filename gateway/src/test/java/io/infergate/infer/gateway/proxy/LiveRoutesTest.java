package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The live table: built whole, committed in one swap, channels kept, retired or never leaked. */
class LiveRoutesTest {
  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private final Map<Endpoint, ManagedChannel> dialed = new ConcurrentHashMap<>();
  private final AtomicInteger dials = new AtomicInteger();
  private LiveRoutes routes;

  @BeforeEach
  void start() {
    routes =
        cleanup.register(
            new LiveRoutes(
                endpoint -> {
                  if (endpoint.host().equals("broken")) {
                    throw new IllegalArgumentException("cannot dial " + endpoint);
                  }
                  dials.incrementAndGet();
                  ManagedChannel channel =
                      InProcessChannelBuilder.forName(endpoint.host()).directExecutor().build();
                  dialed.put(endpoint, channel);
                  return channel;
                }));
  }

  @Test
  void aReloadKeepsChannelsToEndpointsThatStayAndRetiresTheOthers() {
    apply("[a:1, b:1]");
    ManagedChannel a = dialed.get(new Endpoint("a", 1));
    ManagedChannel b = dialed.get(new Endpoint("b", 1));

    apply("[b:1, c:1]");

    Route<VariantTarget> route = routes.route("m");
    assertThat(route.target(0).channel(0)).isSameAs(b);
    assertThat(route.target(0).channel(1)).isSameAs(dialed.get(new Endpoint("c", 1)));
    assertThat(dials).hasValue(3);
    assertThat(a.isShutdown()).as("a left every route").isTrue();
    assertThat(b.isShutdown()).isFalse();
  }

  @Test
  void aTableThatCannotBeBuiltChangesNothing() {
    apply("[a:1]");
    Route<VariantTarget> inForce = routes.route("m");

    assertThatThrownBy(() -> apply("[b:1, broken:1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot dial broken:1");

    assertThat(routes.route("m")).isSameAs(inForce);
    assertThat(dialed.get(new Endpoint("b", 1)).isShutdown())
        .as("the channel opened for the table that failed")
        .isTrue();
    assertThat(dialed.get(new Endpoint("a", 1)).isShutdown()).isFalse();
    apply("[a:1, b:1]");
    assertThat(dials).as("b is dialled again, a is kept").hasValue(3);
  }

  @Test
  void eachRouteComesWithItsHeaderKeysAndItsShadowCounts() {
    GatewayConfig config =
        Configs.load(
            dir,
            """
            routes:
              - model: m
                stickyHeader: x-user-id
                shadow: {variant: dark, fraction: 0.5}
                variants:
                  - {name: lit, weight: 1, endpoints: ["a:1"]}
                  - {name: dark, weight: 0, endpoints: ["b:1"]}
            """);
    routes.apply(config.routes(), config.drainTimeout());

    Route<VariantTarget> route = routes.route("m");
    assertThat(routes.header(GatewayClient.metadata(Map.of("x-user-id", "u7")), "x-user-id"))
        .isEqualTo("u7");
    assertThat(routes.header(GatewayClient.metadata(Map.of()), route.overrideHeader())).isNull();
    assertThat(route.target(1).copies).isNotNull();
    assertThat(route.target(0).copies).isNull();
    assertThat(routes.shadowCounts("m")).isEqualTo(new ShadowCounts(0, 0, 0, 0));
    assertThat(routes.shadowCounts("absent")).isSameAs(ShadowCounts.NONE);
  }

  @Test
  void closingShutsEveryChannelAndLeavesNoRoute() {
    apply("[a:1]");
    apply("[b:1]");

    routes.close();

    assertThat(dialed.values()).allMatch(ManagedChannel::isShutdown);
    assertThat(routes.route("m")).isNull();
    assertThatThrownBy(() -> apply("[a:1]")).isInstanceOf(IllegalStateException.class);
  }

  private void apply(String endpoints) {
    GatewayConfig config =
        Configs.load(
            dir,
            "routes: [{model: m, variants: [{name: v, weight: 1, endpoints: "
                + endpoints.replaceAll("([a-z]+:[0-9]+)", "\"$1\"")
                + "}]}]\n");
    routes.apply(
        config.routes(), Duration.ofMillis(100).plus(config.drainTimeout().multipliedBy(0)));
  }
}
