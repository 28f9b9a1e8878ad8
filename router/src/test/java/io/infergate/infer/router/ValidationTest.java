package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.MODEL;
import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.shadow;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.router.policy.BalancePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every message names the field relative to the value being built, so the config layer can prefix
 * its path, and every problem of a value is reported at once, one a line.
 */
class ValidationTest {
  private static final List<Endpoint> ONE = List.of(new Endpoint("m", 1));

  @Test
  void anEndpointRefusesAPortOutOfRangeAndABlankHost() {
    assertThatThrownBy(() -> new Endpoint("m", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> new Endpoint("m", 65536))
        .hasMessage("port: 65536 (expected: 1..65535)");
    assertThatThrownBy(() -> new Endpoint(" ", 0))
        .hasMessage("host: \" \" (expected: non-blank)\nport: 0 (expected: 1..65535)");
  }

  @Test
  void anEndpointPrintsAsAGrpcTarget() {
    assertThat(new Endpoint("digits.models.svc", 8500)).hasToString("digits.models.svc:8500");
    assertThat(new Endpoint("::1", 8500)).hasToString("[::1]:8500");
    assertThat(new Endpoint("[::1]", 8500))
        .hasToString("[::1]:8500")
        .isEqualTo(new Endpoint("::1", 8500));
  }

  @Test
  void anEndpointParsesFromHostColonPort() {
    assertThat(Endpoint.parse("10.0.0.1:8500")).isEqualTo(new Endpoint("10.0.0.1", 8500));
    assertThat(Endpoint.parse("[::1]:8500")).isEqualTo(new Endpoint("::1", 8500));
    for (String bad :
        List.of("nowhere", "h:", ":80", "h:0", "h:65536", "h:8o", "::1:80", " :1", "a b:1")) {
      assertThatThrownBy(() -> Endpoint.parse(bad))
          .as(bad)
          .hasMessage("address: \"" + bad + "\" (expected: host:port with a port in 1..65535)");
    }
  }

  @Test
  void anEndpointParsesFromADnsName() {
    Endpoint named = Endpoint.parse("dns:///digits-canary.models.svc:8500");

    assertThat(named).isEqualTo(new Endpoint("digits-canary.models.svc", 8500, true));
    assertThat(named.dns()).isTrue();
    assertThat(named).hasToString("dns:///digits-canary.models.svc:8500");
    assertThat(named).isNotEqualTo(new Endpoint("digits-canary.models.svc", 8500));
    assertThat(Endpoint.parse("digits.models.svc:8500").dns()).isFalse();
    assertThat(Endpoint.parse("dns:53")).isEqualTo(new Endpoint("dns", 53));
    for (String bad :
        List.of(
            "dns:///digits",
            "dns:///:8500",
            "dns:///h:0",
            "dns:///h:65536",
            "dns:///[::1]:8500",
            "dns://10.0.0.10/h:8500",
            "dns:///")) {
      assertThatThrownBy(() -> Endpoint.parse(bad))
          .as(bad)
          .hasMessage(
              "address: \"" + bad + "\" (expected: dns:///name:port with a port in 1..65535)");
    }
  }

  @Test
  void aRouteServesOtherEndpointsWithItsTargetsAndWeights() {
    Route<String> route =
        Route.<String>builder("m")
            .variant(Variant.of("a", 3, List.of("dns:///a.svc:1"), null), "target-a")
            .variant(Variant.of("b", 1, List.of("h:2"), null), "target-b")
            .build();

    Route<String> served =
        route.withEndpoints(
            v ->
                v.hasNames()
                    ? List.of(new Endpoint("10.0.0.1", 1), new Endpoint("10.0.0.2", 1))
                    : v.endpoints());

    assertThat(served.variant(0).endpoints())
        .containsExactly(new Endpoint("10.0.0.1", 1), new Endpoint("10.0.0.2", 1));
    assertThat(served.variant(0).weight()).isEqualTo(3);
    assertThat(served.variant(1)).isEqualTo(route.variant(1));
    assertThat(served.target(0)).isEqualTo("target-a");
    assertThat(served.balancer(0)).isNotSameAs(route.balancer(0));
    assertThatThrownBy(() -> route.withEndpoints(v -> List.of()))
        .hasMessage("endpoints: [] (expected: 1..64, none null)");
  }

  @Test
  void aVariantRefusesANegativeWeight() {
    assertThatThrownBy(() -> variant("canary", -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: -5 (expected: >= 0)");
  }

  @Test
  void aVariantReportsAllItsProblemsAtOnce() {
    assertThatThrownBy(() -> new Variant("", -1, List.of(), null))
        .hasMessage(
            String.join(
                "\n",
                "name: \"\" (expected: non-blank)",
                "weight: -1 (expected: >= 0)",
                "endpoints: [] (expected: 1..64, none null)",
                "balance: missing (expected: one of round_robin, least_outstanding)"));
  }

  @Test
  void aVariantFromConfigParsesItsEndpointsAndPolicy() {
    Variant variant = Variant.of("canary", 10, List.of("h:1", "[::1]:2"), "LEAST_outstanding");

    assertThat(variant)
        .isEqualTo(
            new Variant(
                "canary",
                10,
                List.of(new Endpoint("h", 1), new Endpoint("::1", 2)),
                BalancePolicy.LEAST_OUTSTANDING));
    assertThat(Variant.of("a", 0, List.of("h:1"), null).balance())
        .isEqualTo(BalancePolicy.ROUND_ROBIN);
  }

  @Test
  void aVariantFromConfigNamesEveryBadKey() {
    assertThatThrownBy(
            () -> Variant.of(null, null, Arrays.asList("h:1", "nowhere", null), "random"))
        .hasMessage(
            String.join(
                "\n",
                "name: missing (expected: non-blank)",
                "weight: missing (expected: an integer >= 0)",
                "endpoints[1]: \"nowhere\" (expected: host:port with a port in 1..65535)",
                "endpoints[2]: missing (expected: host:port with a port in 1..65535)",
                "balance: \"random\" (expected: one of round_robin, least_outstanding)"));
    assertThatThrownBy(() -> Variant.of("a", -5, null, null))
        .hasMessage(
            "weight: -5 (expected: >= 0)\nendpoints: missing (expected: at least one host:port)");
  }

  @Test
  void aVariantCopiesItsEndpoints() {
    List<Endpoint> endpoints = new ArrayList<>(ONE);
    Variant variant = new Variant("a", 1, endpoints, BalancePolicy.LEAST_OUTSTANDING);

    endpoints.add(new Endpoint("n", 2));

    assertThat(variant.endpoints()).containsExactly(new Endpoint("m", 1));
    assertThatThrownBy(() -> variant.endpoints().add(new Endpoint("n", 2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aShadowRefusesAFractionOutsideZeroToOne() {
    assertThatThrownBy(() -> shadow("a", 0)).hasMessage("fraction: 0.0 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> shadow("a", 1.5)).hasMessage("fraction: 1.5 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> shadow("a", Double.NaN))
        .hasMessage("fraction: NaN (expected: > 0 and <= 1)");
  }

  @Test
  void aShadowFromConfigTakesDefaultsAndNamesEveryBadKey() {
    assertThat(Shadow.of("a", 0.5, null, null))
        .isEqualTo(new Shadow("a", 0.5, 64, Duration.ofSeconds(5)));
    assertThatThrownBy(() -> Shadow.of(" ", null, 0, Duration.ofHours(2)))
        .hasMessage(
            String.join(
                "\n",
                "variant: \" \" (expected: non-blank)",
                "fraction: missing (expected: > 0 and <= 1)",
                "maxInFlight: 0 (expected: 1..1000000)",
                "timeout: PT2H (expected: > 0 and <= PT1H)"));
    assertThatThrownBy(() -> Shadow.of("a", 1.0, 1, Duration.ZERO))
        .hasMessage("timeout: PT0S (expected: > 0 and <= PT1H)");
  }

  @Test
  void aRouteRefusesDuplicateVariantNames() {
    assertThatThrownBy(() -> route(variant("a", 1), variant("b", 1), variant("a", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("variants[2].name: \"a\" (expected: unique, but variants[0] has it too)");
  }

  @Test
  void aRouteRefusesATotalWeightOfZeroOrOverIntegerMax() {
    assertThatThrownBy(() -> route(variant("a", 0), variant("b", 0)))
        .hasMessage("variants: total weight 0 (expected: 1..2147483647)");
    assertThatThrownBy(() -> route(variant("a", Integer.MAX_VALUE), variant("b", 1)))
        .hasMessage("variants: total weight 2147483648 (expected: 1..2147483647)");
  }

  @Test
  void aRouteRefusesAShadowNamingAnUnknownVariant() {
    assertThatThrownBy(
            () ->
                Route.<Void>builder(MODEL)
                    .variant(variant("stable", 1))
                    .variant(variant("canary", 1))
                    .shadow(shadow("nightly", 0.1))
                    .build())
        .hasMessage("shadow.variant: \"nightly\" (expected: one of [stable, canary])");
  }

  @Test
  void aRouteRefusesHeaderNamesThatGrpcCannotCarryAsText() {
    String expected =
        " (expected: absent, or a lower-case header name of a-z, 0-9, '-', '_' and '.', not grpc-*"
            + " or *-bin)";
    for (String bad : List.of("", " ", "X-User", "x user", "grpc-user", "x-user-bin", ":path")) {
      assertThatThrownBy(
              () -> Route.<Void>builder(MODEL).variant(variant("a", 1)).stickyHeader(bad).build())
          .as(bad)
          .hasMessage("stickyHeader: \"" + bad + "\"" + expected);
    }
    assertThat(
            Route.<Void>builder(MODEL)
                .variant(variant("a", 1))
                .overrideHeader("x-variant_override.v2")
                .build()
                .overrideHeader())
        .isEqualTo("x-variant_override.v2");
  }

  @Test
  void aRouteReportsAllItsProblemsAtOnce() {
    assertThatThrownBy(
            () ->
                Route.<Void>builder(" ")
                    .variant(variant("a", 0))
                    .variant(variant("a", 0))
                    .stickyHeader("X-User")
                    .overrideHeader("")
                    .shadow(shadow("ghost", 0.1))
                    .build())
        .hasMessageContaining("model: \" \" (expected: non-blank)\n")
        .hasMessageContaining(
            "variants[1].name: \"a\" (expected: unique, but variants[0] has it too)\n")
        .hasMessageContaining("variants: total weight 0 (expected: 1..2147483647)\n")
        .hasMessageContaining("stickyHeader: \"X-User\" (expected: absent, or a lower-case")
        .hasMessageContaining("overrideHeader: \"\" (expected: absent, or a lower-case")
        .hasMessageEndingWith("shadow.variant: \"ghost\" (expected: one of [a, a])");
    assertThatThrownBy(() -> Route.<Void>builder(MODEL).build())
        .hasMessage("variants: missing (expected: at least one)");
  }

  @Test
  void aTableRefusesEveryRouteForAModelThatAnEarlierRouteHas() {
    Route<Void> digits = route(variant("a", 1));
    Route<Void> other = Route.<Void>builder("mnist").variant(variant("a", 1)).build();

    assertThatThrownBy(() -> RoutingTable.of(List.of(digits, other, digits, other)))
        .hasMessage(
            "routes[2].model: \"digits\" (expected: unique, but routes[0] has it too)\n"
                + "routes[3].model: \"mnist\" (expected: unique, but routes[1] has it too)");
  }
}
