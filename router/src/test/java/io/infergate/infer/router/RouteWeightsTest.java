package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.shadow;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** New weights on a route go through the same validation as the file's, and keep the rest. */
class RouteWeightsTest {
  @Test
  void changesOnlyTheNamedVariantsAndKeepsTheRouteSettings() {
    Route<Void> route =
        route(
            shadow("shadow", 0.5),
            variant("stable", 90),
            variant("canary", 10),
            variant("shadow", 0));

    Route<Void> changed = route.withWeights(Map.of("canary", 60));

    assertThat(changed.variants()).extracting(Variant::weight).containsExactly(90, 60, 0);
    assertThat(changed.variants())
        .extracting(Variant::endpoints)
        .isEqualTo(route.variants().stream().map(Variant::endpoints).toList());
    assertThat(changed.shadow()).isEqualTo(route.shadow());
    assertThat(route.variants()).extracting(Variant::weight).containsExactly(90, 10, 0);
  }

  @Test
  void refusesUnknownVariantsAndNegativeWeightsNamingEachField() {
    Route<Void> route = route(variant("stable", 90), variant("canary", 10));
    Map<String, Integer> bad = new LinkedHashMap<>();
    bad.put("blue", 1);
    bad.put("canary", -5);

    assertThatThrownBy(() -> route.withWeights(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "weights[\"blue\"]: unknown variant (expected: one of [stable, canary])\n"
                + "variants[1].weight: -5 (expected: >= 0)");
  }

  @Test
  void refusesAllWeightsZeroButTakesOneVariantAtZero() {
    Route<Void> route = route(variant("stable", 90), variant("canary", 10));

    assertThatThrownBy(() -> route.withWeights(Map.of("stable", 0, "canary", 0)))
        .hasMessage("variants: total weight 0 (expected: 1.." + Integer.MAX_VALUE + ")");
    assertThat(route.withWeights(Map.of("stable", 0)).variants())
        .extracting(Variant::weight)
        .containsExactly(0, 10);
  }
}
