package io.infergate.infer.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.gateway.testing.GrpcCleanupExtension;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * dns:/// endpoints as the live routes serve them: one endpoint per address, served anew when the
 * answer changes, with the variant's breaker and window kept and the channels of addresses gone
 * retired. The discovery thread's interval is an hour: the test calls {@link LiveRoutes#rediscover}
 * itself.
 */
class EndpointDiscoveryTest {
  private static final String NAME = "pods.models.svc";

  @TempDir Path dir;
  @RegisterExtension final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  private final Map<Endpoint, ManagedChannel> dialed = new ConcurrentHashMap<>();
  private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private LiveRoutes routes;

  @BeforeEach
  void start() {
    Resolver resolver =
        name -> {
          lookups.incrementAndGet();
          List<InetAddress> answer = answers.get(name);
          if (answer == null) {
            throw new UnknownHostException(name);
          }
          return answer;
        };
    routes =
        cleanup.register(
            new LiveRoutes(
                endpoint -> {
                  ManagedChannel channel =
                      InProcessChannelBuilder.forName(endpoint.toString()).directExecutor().build();
                  dialed.put(endpoint, channel);
                  return channel;
                },
                OpenTelemetry.noop(),
                resolver,
                Duration.ofHours(1)));
  }

  @Test
  void aNameIsServedAsOneEndpointPerAddressOnItsPort() throws Exception {
    answer("10.0.0.2", "10.0.0.1");

    apply(1, "dns:///" + NAME + ":8500", "static.svc:9000");

    assertThat(endpoints())
        .containsExactly(
            new Endpoint("10.0.0.1", 8500),
            new Endpoint("10.0.0.2", 8500),
            new Endpoint("static.svc", 9000));
  }

  @Test
  void aChangedAnswerServesNewAddressesRetiresOldOnesAndKeepsTheVariantsHealth() throws Exception {
    answer("10.0.0.1");
    apply(1, "dns:///" + NAME + ":8500");
    VariantHealth before = routes.route("m").target(0).health;
    before.breaker.transitionToOpenState();
    ManagedChannel first = dialed.get(new Endpoint("10.0.0.1", 8500));

    answer("10.0.0.1", "10.0.0.2", "10.0.0.3");
    routes.rediscover();

    assertThat(endpoints())
        .containsExactly(
            new Endpoint("10.0.0.1", 8500),
            new Endpoint("10.0.0.2", 8500),
            new Endpoint("10.0.0.3", 8500));
    VariantTarget grown = routes.route("m").target(0);
    assertThat(grown.channel(0)).as("the address that stayed keeps its channel").isSameAs(first);
    assertThat(grown.health.breaker).isSameAs(before.breaker);
    assertThat(grown.health.window).isSameAs(before.window);
    assertThat(grown.health.latency).isSameAs(before.latency);
    assertThat(grown.health.outliers).isNotSameAs(before.outliers);
    assertThat(routes.breakerState("m", "v")).isEqualTo("OPEN");

    answer("10.0.0.3", "10.0.0.2");
    routes.rediscover();

    assertThat(endpoints())
        .containsExactly(new Endpoint("10.0.0.2", 8500), new Endpoint("10.0.0.3", 8500));
    assertThat(first.isShutdown()).as("10.0.0.1 left the answer: its channel drains").isTrue();
    assertThat(dialed.get(new Endpoint("10.0.0.2", 8500)).isShutdown()).isFalse();
    assertThat(routes.route("m").target(0).health.breaker).isSameAs(before.breaker);
  }

  @Test
  void theSameAnswerInAnotherOrderOrAFailedLookupChangesNothing() throws Exception {
    answer("10.0.0.1", "10.0.0.2");
    apply(1, "dns:///" + NAME + ":8500");
    Route<VariantTarget> inForce = routes.route("m");

    answer("10.0.0.2", "10.0.0.1");
    routes.rediscover();
    assertThat(routes.route("m")).isSameAs(inForce);

    answers.remove(NAME);
    routes.rediscover();
    assertThat(routes.route("m")).as("a DNS outage keeps the last addresses").isSameAs(inForce);
  }

  @Test
  void aNameThatNeverResolvedIsDialedAsItIsUntilItDoes() throws Exception {
    apply(1, "dns:///" + NAME + ":8500");

    assertThat(endpoints()).containsExactly(new Endpoint(NAME, 8500));

    answer("10.0.0.7");
    routes.rediscover();

    assertThat(endpoints()).containsExactly(new Endpoint("10.0.0.7", 8500));
    assertThat(dialed.get(new Endpoint(NAME, 8500)).isShutdown()).isTrue();
  }

  @Test
  void anotherTableWithTheSameNamesAsAWeightWriteMakesUsesTheKnownAnswer() throws Exception {
    answer("10.0.0.1", "10.0.0.2");
    apply(1, "dns:///" + NAME + ":8500");
    VariantHealth before = routes.route("m").target(0).health;
    int looked = lookups.get();

    apply(7, "dns:///" + NAME + ":8500");

    assertThat(lookups).as("no lookup on the applying thread for a known name").hasValue(looked);
    assertThat(routes.route("m").variant(0).weight()).isEqualTo(7);
    assertThat(endpoints()).hasSize(2);
    assertThat(routes.route("m").target(0).health).isSameAs(before);
  }

  private void answer(String... ips) throws UnknownHostException {
    List<InetAddress> answer = new ArrayList<>();
    for (String ip : ips) {
      answer.add(InetAddress.getByName(ip));
    }
    answers.put(NAME, answer);
  }

  private List<Endpoint> endpoints() {
    return routes.route("m").variant(0).endpoints();
  }

  private void apply(int weight, String... endpoints) {
    GatewayConfig config =
        Configs.load(
            dir,
            "routes: [{model: m, variants: [{name: v, weight: "
                + weight
                + ", endpoints: [\""
                + String.join("\", \"", endpoints)
                + "\"]}]}]\n");
    routes.apply(config.routes(), Duration.ofMillis(100));
  }
}
