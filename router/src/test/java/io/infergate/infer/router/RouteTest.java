package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.CALLS;
import static io.infergate.infer.router.Fixtures.MODEL;
import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.shadow;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.router.policy.BalancePolicy;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RouteTest {
  @Test
  void anOverrideNamingAVariantForcesItEvenWithWeightZero() {
    Route<Void> route = route(variant("stable", 100), variant("dark", 0));
    SplittableRandom random = new SplittableRandom(1);

    for (int i = 0; i < 1_000; i++) {
      assertThat(route.pick(null, "dark", random.nextLong())).isEqualTo(1);
      assertThat(route.pick("user-" + i, "dark", random.nextLong())).isEqualTo(1);
    }
    assertThat(route.pick(null, "stable", 0)).isZero();
  }

  @Test
  void anOverrideNamingNoVariantIsIgnored() {
    Route<Void> route = route(variant("stable", 1), variant("canary", 1));

    assertThat(route.pick(null, "nightly", 0)).isEqualTo(route.pick(null, null, 0)).isZero();
    assertThat(route.pick(null, "nightly", -1)).isEqualTo(route.pick(null, null, -1)).isEqualTo(1);
    assertThat(route.pick("user-7", "", 0)).isEqualTo(route.pick("user-7", null, 0));
  }

  @Test
  void aShadowCopiesAboutItsFractionOfCalls() {
    Route<Void> route =
        route(shadow("candidate", 0.05), variant("stable", 100), variant("candidate", 0));
    SplittableRandom random = new SplittableRandom(5);

    long copied = 0;
    for (int i = 0; i < CALLS; i++) {
      if (route.shouldShadow(random.nextLong())) {
        copied++;
      }
    }

    assertThat(route.shadowVariant()).isEqualTo(1);
    BinomialInterval expected = BinomialInterval.of(CALLS, 0.05);
    assertThat(copied).isBetween(expected.low(), expected.high());
  }

  @Test
  void theShadowDecisionIsIndependentOfThePickFromTheSameRandom() {
    Route<Void> route = route(shadow("stable", 0.1), variant("stable", 90), variant("canary", 10));
    SplittableRandom random = new SplittableRandom(9);

    int canaryCalls = 0;
    int canaryCallsCopied = 0;
    for (int i = 0; i < CALLS; i++) {
      long draw = random.nextLong();
      if (route.pick(null, null, draw) == 1) {
        canaryCalls++;
        if (route.shouldShadow(draw)) {
          canaryCallsCopied++;
        }
      }
    }

    BinomialInterval expected = BinomialInterval.of(canaryCalls, 0.1);
    assertThat(canaryCallsCopied).isBetween((int) expected.low(), (int) expected.high());
  }

  @Test
  void aShadowOfFractionOneCopiesEveryCall() {
    Route<Void> route = route(shadow("a", 1), variant("a", 1));

    assertThat(route.shouldShadow(0)).isTrue();
    assertThat(route.shouldShadow(-1)).isTrue();
    assertThat(route.shouldShadow(0xffff_ffffL)).isTrue();
  }

  @Test
  void withoutAShadowNoCallIsCopied() {
    Route<Void> route = route(variant("a", 1));
    SplittableRandom random = new SplittableRandom(13);

    assertThat(route.shadow()).isNull();
    assertThat(route.shadowVariant()).isEqualTo(-1);
    assertThat(route.shouldShadow(0)).isFalse();
    for (int i = 0; i < 10_000; i++) {
      assertThat(route.shouldShadow(random.nextLong())).isFalse();
    }
  }

  @Test
  void eachVariantGetsItsOwnBalancerOverItsEndpoints() {
    Variant pair =
        new Variant(
            "pair",
            1,
            List.of(new Endpoint("10.0.0.1", 8500), new Endpoint("10.0.0.2", 8500)),
            BalancePolicy.ROUND_ROBIN);
    Route<Void> route = route(pair, variant("single", 1));

    assertThat(route.balancer(0)).isNotSameAs(route.balancer(1));
    assertThat(new int[] {route.balancer(0).pick(), route.balancer(0).pick()})
        .containsExactly(0, 1);
    assertThat(route.balancer(1).pick()).isZero();
  }

  @Test
  void theBuilderKeepsWhatItWasGiven() {
    Route<Void> route =
        Route.<Void>builder(MODEL)
            .variant(variant("stable", 9))
            .variant(variant("canary", 1))
            .stickyHeader("x-user-id")
            .overrideHeader("x-variant-override")
            .shadow(shadow("canary", 0.5))
            .build();

    assertThat(route.model()).isEqualTo(MODEL);
    assertThat(route.variants()).extracting(Variant::name).containsExactly("stable", "canary");
    assertThat(route.variant(1).weight()).isEqualTo(1);
    assertThat(route.stickyHeader()).isEqualTo("x-user-id");
    assertThat(route.overrideHeader()).isEqualTo("x-variant-override");
    assertThat(route.shadow()).isEqualTo(shadow("canary", 0.5));
    assertThat(route.shadow().maxInFlight()).isEqualTo(Shadow.DEFAULT_MAX_IN_FLIGHT);
    assertThat(route.shadow().timeout()).isEqualTo(Shadow.DEFAULT_TIMEOUT);
    assertThat(route.toString()).contains("model=digits", "stickyHeader=x-user-id");
  }

  @Test
  void aCallIsCopiedOnlyWhenAnotherVariantServesIt() {
    Route<Void> route =
        route(shadow("candidate", 1), variant("stable", 1), variant("candidate", 0));

    assertThat(route.shadowFor(0, 0)).isEqualTo(1);
    assertThat(route.shadowFor(1, 0)).as("served by the shadow itself").isEqualTo(-1);
    assertThat(route(variant("a", 1)).shadowFor(0, 0)).as("no shadow").isEqualTo(-1);
  }

  @Test
  void eachVariantCarriesItsTargetAndNewTargetsKeepTheRoutingWithFreshBalancers() {
    Route<String> route =
        Route.<String>builder(MODEL)
            .variant(variant("stable", 9), "stable-target")
            .variant(variant("canary", 1), "canary-target")
            .stickyHeader("x-user-id")
            .build();
    route.balancer(0).pick();

    Route<Integer> next =
        route.withTargets(
            (variant, target, balancer) -> {
              assertThat(balancer)
                  .isNotSameAs(route.balancer(variant.name().equals("stable") ? 0 : 1));
              return target.length() + variant.weight();
            });

    assertThat(route.target(1)).isEqualTo("canary-target");
    assertThat(next.target(0)).isEqualTo("stable-target".length() + 9);
    assertThat(next.variants()).isEqualTo(route.variants());
    assertThat(next.stickyHeader()).isEqualTo("x-user-id");
    assertThat(next.pick("user-7", null, 0)).isEqualTo(route.pick("user-7", null, 0));
    assertThat(next.balancer(0)).isNotSameAs(route.balancer(0));
  }
}
