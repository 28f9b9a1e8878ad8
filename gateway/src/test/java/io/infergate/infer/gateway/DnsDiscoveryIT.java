package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.infergate.infer.gateway.admin.LiveVariants.LiveVariant;
import io.infergate.infer.gateway.proxy.Resolver;
import io.infergate.infer.gateway.testing.CallLoad;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.release.Gates;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A variant whose endpoint is {@code dns:///pods.models.svc:PORT}, over real sockets under load,
 * while the name's answer goes from one address to three and then two, as a Deployment scales up
 * and loses a pod: each pod is a fake backend on its own loopback address (127.0.0.1-3, all on
 * PORT), as pods have their own IPs and share the port the name carries. The answer comes from a
 * test {@link Resolver}; everything else is the gateway as {@code bin/gateway} runs it.
 */
class DnsDiscoveryIT {
  private static final String NAME = "pods.models.svc";
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration WITHIN = INTERVAL.plusSeconds(1);
  private static final int CALLER_ERRORS = 20;

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private final AtomicReference<List<InetAddress>> answer = new AtomicReference<>(List.of());
  private CallLoad load;

  @Test
  void podsAddedTakeCallsWithinTheIntervalAndAPodRemovedDrainsWithZeroFailedCalls()
      throws Exception {
    List<FakeBackend> pods = podsOnOnePort(3);
    int port = pods.get(0).endpoint().port();
    answer(pods.subList(0, 1));
    Gateway gateway =
        bed.register(
            bed.transport()
                .gateway()
                .routes(
                    TestBed.routesConfig(
                            dir,
                            """
                              - model: digits
                                variants:
                                  - {name: pods, weight: 1, endpoints: ["dns:///%s:%d"]}
                            """
                                .formatted(NAME, port))
                        .routes())
                .drainTimeout(Duration.ofSeconds(5))
                .discovery(this::resolve, INTERVAL)
                .start());
    GatewayClient client = bed.client(gateway);
    for (int i = 0; i < CALLER_ERRORS; i++) {
      Reply refused =
          client.infer("digits", Map.of("x-fake", "fail:INVALID_ARGUMENT:bad input " + i));
      assertThat(refused.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    load = CallLoad.start(client, 4);
    try {
      load.awaitCalls(200);
      assertThat(load.servedBy()).containsOnlyKeys("pod-1");

      long grown = System.nanoTime();
      answer(pods);
      await()
          .atMost(WITHIN)
          .until(
              () -> load.servedBy().containsKey("pod-2") && load.servedBy().containsKey("pod-3"));
      System.out.printf(
          "DnsDiscoveryIT: both new pods took calls %d ms after the answer grew%n",
          (System.nanoTime() - grown) / 1_000_000);
      load.servedBy().clear();
      load.awaitCalls(600);
      assertBalanced("pod-1", "pod-2", "pod-3");

      long shrunk = System.nanoTime();
      answer(pods.subList(1, 3));
      AtomicLong lastSeen = new AtomicLong(-1);
      await()
          .atMost(WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> lastSeen.getAndSet(pods.get(0).calls()) == pods.get(0).calls());
      System.out.printf(
          "DnsDiscoveryIT: pod-1 took no more calls %d ms after it left the answer%n",
          (System.nanoTime() - shrunk) / 1_000_000);
      // The pod terminates once drained, as Kubernetes stops it after its grace period.
      pods.get(0).close();
      load.servedBy().clear();
      load.awaitCalls(600);
      assertBalanced("pod-2", "pod-3");
    } finally {
      load.stop();
    }
    assertThat(load.failures()).as("calls failed while pods came and went").isEmpty();
    LiveVariant pods3 = gateway.liveVariants().of("digits", "pods", Gates.MAX_WINDOW);
    assertThat(pods3.breaker()).isEqualTo("CLOSED");
    assertThat(pods3.figures().callerErrors())
        .as("the variant's window kept what it saw before its endpoints changed")
        .isEqualTo(CALLER_ERRORS);
  }

  private void assertBalanced(String... pods) {
    long total = load.servedBy().values().stream().mapToLong(AtomicLong::get).sum();
    assertThat(load.servedBy()).containsOnlyKeys(pods);
    for (String pod : pods) {
      assertThat(load.servedBy().get(pod).get())
          .as("%s's share of %d calls", pod, total)
          .isGreaterThan(total / (2L * pods.length));
    }
  }

  private List<InetAddress> resolve(String name) throws UnknownHostException {
    if (!name.equals(NAME)) {
      throw new UnknownHostException(name);
    }
    return answer.get();
  }

  private void answer(List<FakeBackend> pods) throws UnknownHostException {
    List<InetAddress> addresses = new ArrayList<>();
    for (FakeBackend pod : pods) {
      addresses.add(InetAddress.getByName(pod.endpoint().host()));
    }
    answer.set(addresses);
  }

  /**
   * Fake backends on 127.0.0.1, 127.0.0.2, ... all on one port; Linux routes all of 127/8 to the
   * loopback interface. Tries other ports if one is taken on an address.
   */
  private List<FakeBackend> podsOnOnePort(int count) throws IOException {
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      List<FakeBackend> pods = new ArrayList<>();
      try {
        for (int i = 1; i <= count; i++) {
          String ip = "127.0.0." + i;
          pods.add(
              bed.register(
                  FakeBackend.start(
                      "pod-" + i,
                      NettyServerBuilder.forAddress(new InetSocketAddress(ip, port))
                          .withOption(ChannelOption.SO_REUSEADDR, true)
                          .directExecutor(),
                      new Endpoint(ip, port))));
        }
        return pods;
      } catch (IOException e) {
        pods.forEach(FakeBackend::close);
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }
}
