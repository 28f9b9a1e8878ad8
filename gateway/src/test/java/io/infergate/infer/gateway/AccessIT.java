package io.infergate.infer.gateway;

import static io.infergate.infer.observability.testing.StandardServiceCalls.listServices;
import static io.infergate.infer.observability.testing.StandardServiceCalls.listServicesCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.reflection.v1.ServiceResponse;
import io.infergate.infer.gateway.testing.FakeBackend;
import io.infergate.infer.gateway.testing.FakeBackend.Received;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may force a variant through the override header, which caller headers reach a shadow, and
 * whether reflection is served, over loopback sockets. The route's dark variant has weight 0: an
 * ordinary caller must never reach it, whatever it sends.
 */
class AccessIT {
  private static final String TOKEN = "a-token-of-16-ch";
  private static final String OTHER_TOKEN = "another-token-for-rotation";
  private static final Map<String, String> FORCE_DARK = Map.of("x-variant-override", "dark");

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private final FakeBackend stable = bed.backend("stable");
  private final FakeBackend dark = bed.backend("dark");
  private GatewayClient client;

  @Test
  void anOrdinaryCallersOverrideIsIgnoredAndACallerWithATokenReachesTheDarkVariant()
      throws IOException {
    start(
        """
            overrideAllow: {secretHeader: x-override-token, secrets: ["%s", "%s"]}
        """
            .formatted(TOKEN, OTHER_TOKEN));

    assertThat(client.infer("digits", FORCE_DARK).variant()).isEqualTo("stable");
    assertThat(client.infer("digits", with("x-override-token", "wrong-token-of-16")).variant())
        .isEqualTo("stable");
    assertThat(client.infer("digits", with("x-override-token", TOKEN + "x")).variant())
        .isEqualTo("stable");
    assertThat(client.infer("digits", with("x-override-token", TOKEN)).variant()).isEqualTo("dark");
    assertThat(client.infer("digits", with("x-override-token", OTHER_TOKEN)).variant())
        .isEqualTo("dark");
    assertThat(dark.calls()).isEqualTo(2);
    // The token is the gateway's business: no backend sees it, whoever was chosen.
    assertThat(dark.received())
        .hasSize(2)
        .allSatisfy(received -> assertThat(header(received, "x-override-token")).isNull());
    assertThat(stable.received())
        .hasSize(3)
        .allSatisfy(received -> assertThat(header(received, "x-override-token")).isNull());
  }

  @Test
  void anOrdinaryCallersOverrideIsRefusedWhenTheRouteSaysSoAndNoBackendIsReached()
      throws IOException {
    start(
        """
            overrideAllow: {secretHeader: x-override-token, secrets: ["%s"]}
            overrideDenied: refuse
        """
            .formatted(TOKEN));

    Reply refused = client.infer("digits", FORCE_DARK);

    assertThat(refused.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.status().getDescription())
        .isEqualTo(
            "model 'digits': this caller may not use the x-variant-override header; send the call"
                + " without it");
    assertThat(stable.calls() + dark.calls()).isZero();
    assertThat(client.infer("digits", Map.of()).variant()).isEqualTo("stable");
    assertThat(client.infer("digits", with("x-override-token", TOKEN)).variant()).isEqualTo("dark");
  }

  @Test
  void anOverrideHeaderWithoutAnAllowRuleIsIgnoredForEveryone() throws IOException {
    start("");

    assertThat(client.infer("digits", FORCE_DARK).variant()).isEqualTo("stable");
    assertThat(client.infer("digits", with("x-override-token", TOKEN)).variant())
        .isEqualTo("stable");
    assertThat(dark.calls()).isZero();
  }

  @Test
  void aShadowGetsOnlyTraceHeadersByDefaultNeverTheCallersAuthorization() throws Exception {
    Received copy = shadowCopyOfACall("");

    assertThat(header(copy, "authorization")).isNull();
    assertThat(header(copy, "cookie")).isNull();
    assertThat(header(copy, "x-user-id")).isNull();
    assertThat(header(copy, "x-request-id")).isEqualTo("req-1");
    assertThat(header(copy, "traceparent")).isEqualTo("00-abc-def-01");
    // The primary still gets everything the caller sent.
    Received primary = stable.received().poll(10, TimeUnit.SECONDS);
    assertThat(header(primary, "authorization")).isEqualTo("Bearer secret");
  }

  @Test
  void aShadowGetsTheCallersAuthorizationWhenTheRouteListsIt() throws Exception {
    Received copy = shadowCopyOfACall(", headers: [authorization, x-user-id]");

    assertThat(header(copy, "authorization")).isEqualTo("Bearer secret");
    assertThat(header(copy, "x-user-id")).isEqualTo("u1");
    assertThat(header(copy, "x-request-id")).isNull();
    assertThat(header(copy, "cookie")).isNull();
  }

  @Test
  void reflectionIsServedByDefaultAndUnimplementedWhenTurnedOff() throws Exception {
    String route =
        """
          - model: digits
            variants: [{name: stable, weight: 1, endpoints: ["%s"]}]
        """
            .formatted(stable.endpoint());
    startWith("", route);
    assertThat(listServices(client.channel()).getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains("grpc.health.v1.Health", "inference.GRPCInferenceService");

    startWith("reflection: false\n", route);
    assertThat(listServicesCode(client.channel())).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(client.infer("digits", Map.of()).isOk()).isTrue();
  }

  private void start(String access) throws IOException {
    startWith(
        """
          - model: digits
            overrideHeader: x-variant-override
        %s
            variants:
              - {name: stable, weight: 1, endpoints: ["%s"]}
              - {name: dark, weight: 0, endpoints: ["%s"]}
        """
            .formatted(access.stripTrailing(), stable.endpoint(), dark.endpoint()));
  }

  /**
   * Shadows route {@code digits} to {@code dark} with {@code headers} (the rest of the shadow
   * setting), makes a call with {@link #callerHeaders}, which stable answers, and returns the copy
   * dark received.
   */
  private Received shadowCopyOfACall(String headers) throws Exception {
    startShadowed(headers);

    assertThat(client.infer("digits", callerHeaders()).variant()).isEqualTo("stable");

    Received copy = dark.received().poll(10, TimeUnit.SECONDS);
    assertThat(copy).isNotNull();
    return copy;
  }

  private void startShadowed(String headers) throws IOException {
    startWith(
        """
          - model: digits
            shadow: {variant: dark, fraction: 1.0%s}
            variants:
              - {name: stable, weight: 1, endpoints: ["%s"]}
              - {name: dark, weight: 0, endpoints: ["%s"]}
        """
            .formatted(headers, stable.endpoint(), dark.endpoint()));
  }

  private void startWith(String routes) throws IOException {
    startWith("", routes);
  }

  private void startWith(String settings, String routes) throws IOException {
    client = bed.client(bed.gateway(TestBed.routesConfig(dir, settings, routes)));
  }

  private static Map<String, String> with(String name, String value) {
    return Map.of("x-variant-override", "dark", name, value);
  }

  private static Map<String, String> callerHeaders() {
    return Map.of(
        "authorization", "Bearer secret",
        "cookie", "session=1",
        "x-user-id", "u1",
        "x-request-id", "req-1",
        "traceparent", "00-abc-def-01");
  }

  private static String header(Received received, String name) {
    return received.headers().get(GatewayClient.header(name));
  }
}
