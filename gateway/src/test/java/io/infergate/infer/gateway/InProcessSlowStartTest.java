package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.router.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow start in the gateway: an endpoint that comes up while its sibling serves gets a small,
 * growing share of its variant's calls, not half of them at once; without slow start it gets its
 * half at once.
 */
class InProcessSlowStartTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.inProcess());

  @Test
  void anEndpointThatComesUpTakesOnlyAFewOfItsVariantsCallsAtFirst() throws Exception {
    int late = callsOnTheLateEndpoint("slowStart: {window: 5m}");

    // A share of 10% (the ramp's start) of its half, about 50 calls of 1,000; well under 500.
    assertThat(late).isBetween(1, 150);
  }

  @Test
  void withoutSlowStartItTakesItsHalfAtOnce() throws Exception {
    int late = callsOnTheLateEndpoint("slowStart: {window: 0s}");

    assertThat(late).isBetween(400, 600);
  }

  /** Calls of 1,000 that reach an endpoint which came up after the gateway had started. */
  private int callsOnTheLateEndpoint(String slowStart) throws Exception {
    FakeBackend early = bed.backend("early");
    Endpoint later = bed.transport().unreachable();
    Gateway gateway =
        bed.gateway(
            dir,
            """
              - model: m
                %s
                variants:
                  - {name: v, weight: 1, endpoints: ["%s", "%s"]}
            """
                .formatted(slowStart, early.endpoint(), later));
    GatewayClient client = bed.client(gateway);
    assertThat(client.infer("m", Map.of()).isOk()).isTrue();
    FakeBackend late = bed.register(bed.transport().backendAt("late", later));
    // The gateway's health checks see the endpoint connect and send it calls again.
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              client.infer("m", Map.of());
              return late.calls() > 0;
            });
    int before = late.calls();
    for (int i = 0; i < 1000; i++) {
      assertThat(client.infer("m", Map.of()).isOk()).isTrue();
    }
    return late.calls() - before;
  }
}
