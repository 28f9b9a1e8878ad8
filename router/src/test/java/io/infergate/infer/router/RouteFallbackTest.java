package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.CALLS;
import static io.infergate.infer.router.Fixtures.MODEL;
import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.userKeys;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.infer.router.resilience.Limits;
import io.infergate.infer.router.resilience.Resilience;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Route#next}: where a call goes when the variants it tried cannot serve it. */
class RouteFallbackTest {
  @Test
  void anExplicitChainGivesItsFirstVariantNotTried() {
    Route<Void> route =
        chain(List.of("c", "b", "a"), variant("a", 1), variant("b", 1), variant("c", 1));
    SplittableRandom random = new SplittableRandom(1);

    for (int i = 0; i < 100; i++) {
      long draw = random.nextLong();
      assertThat(route.next(tried(0), null, draw)).isEqualTo(2);
      assertThat(route.next(tried(0, 2), "user-" + i, draw)).isEqualTo(1);
      assertThat(route.next(tried(2), null, draw)).as("c tried: b").isEqualTo(1);
      assertThat(route.next(tried(1, 2), null, draw)).isZero();
    }
  }

  @Test
  void anExhaustedChainLeavesNothingEvenIfAVariantOutsideItWasNotTried() {
    Route<Void> route = chain(List.of("b"), variant("a", 1), variant("b", 1), variant("c", 1));

    assertThat(route.next(tried(0, 1), null, 0)).isEqualTo(-1);
    assertThat(route.next(tried(0, 1), "user-1", -1)).isEqualTo(-1);
    assertThat(route.next(tried(0), null, 0)).isEqualTo(1);
  }

  @Test
  void aChainMayNameAVariantWithWeightZero() {
    Route<Void> route = chain(List.of("dark"), variant("stable", 1), variant("dark", 0));

    assertThat(route.next(tried(0), null, 0)).isEqualTo(1);
    assertThat(route.fallback()).containsExactly("dark");
  }

  @Test
  void withoutAChainTheUntriedVariantsShareByWeight() {
    Route<Void> route = route(variant("a", 45), variant("b", 45), variant("c", 10));

    long[] counts = nextCounts(route, tried(2), 21);

    BinomialInterval half = BinomialInterval.of(CALLS, 0.5);
    assertThat(counts[2]).as("c was tried").isZero();
    assertThat(counts[0]).isBetween(half.low(), half.high());
  }

  @Test
  void withoutAChainAFailingVariantsShareSpreadsInProportionToTheOthersWeights() {
    Route<Void> route = route(variant("a", 60), variant("b", 30), variant("c", 10));

    long[] counts = nextCounts(route, tried(0), 22);

    BinomialInterval threeQuarters = BinomialInterval.of(CALLS, 0.75);
    assertThat(counts[0]).isZero();
    assertThat(counts[1]).isBetween(threeQuarters.low(), threeQuarters.high());
  }

  @Test
  void withoutAChainNothingIsLeftOnceEveryVariantWithWeightWasTried() {
    Route<Void> route = route(variant("a", 1), variant("dark", 0), variant("b", 1));
    SplittableRandom random = new SplittableRandom(23);

    for (int i = 0; i < 1_000; i++) {
      long draw = random.nextLong();
      assertThat(route.next(tried(0, 2), null, draw)).isEqualTo(-1);
      assertThat(route.next(tried(0, 2), "user-" + i, draw)).isEqualTo(-1);
      assertThat(route.next(tried(0), null, draw)).isEqualTo(2);
      assertThat(route.next(tried(0), "user-" + i, draw)).isEqualTo(2);
    }
    assertThat(route.next(-1L, null, 0)).isEqualTo(-1);
  }

  @Test
  void withoutAChainAVariantWithWeightZeroIsNeverTheNext() {
    Route<Void> route =
        route(variant("dark", 0), variant("a", 3), variant("off", 0), variant("b", 1));
    SplittableRandom random = new SplittableRandom(24);

    for (String key : userKeys(5_000)) {
      long draw = random.nextLong();
      assertThat(route.next(0, null, draw)).isIn(1, 3);
      assertThat(route.next(tried(1), null, draw)).isEqualTo(3);
      assertThat(route.next(tried(3), key, draw)).isEqualTo(1);
      assertThat(route.next(0, key, draw)).isIn(1, 3);
    }
    assertThat(route.next(tried(1), null, 0)).isEqualTo(3);
    assertThat(route.next(tried(1), null, -1)).isEqualTo(3);
  }

  @Test
  void aStickyKeyGoesToItsNextChoiceAndBackToItsFirstOnceThatServesAgain() {
    Route<Void> route = route(variant("a", 50), variant("b", 30), variant("c", 20));

    for (String key : userKeys(10_000)) {
      int first = route.pick(key, null, 0);
      int second = route.next(tried(first), key, 0);
      int third = route.next(tried(first, second), key, 0);

      assertThat(second).as(key).isNotEqualTo(first).isNotNegative();
      assertThat(third).as(key).isNotIn(first, second).isNotNegative();
      assertThat(route.next(tried(first), key, -1)).as("independent of the draw").isEqualTo(second);
      assertThat(route.next(0, key, 0)).as("first choice serving again").isEqualTo(first);
      assertThat(route.next(tried(second), key, 0)).as("only the second tried").isEqualTo(first);
    }
  }

  @Test
  void aStickyKeysNextChoiceIsWhereItWouldGoWithoutItsFirst() {
    // A variant's score depends only on the key and its own name and weight, so a key's ranking is
    // the same on every replica and a route without the variant would send it to its next choice.
    Route<Void> route = route(variant("a", 50), variant("b", 30), variant("c", 20));
    List<Route<Void>> without =
        List.of(
            route(variant("a", 0), variant("b", 30), variant("c", 20)),
            route(variant("a", 50), variant("b", 0), variant("c", 20)),
            route(variant("a", 50), variant("b", 30), variant("c", 0)));

    for (String key : userKeys(10_000)) {
      int first = route.pick(key, null, 0);
      assertThat(route.next(tried(first), key, 0))
          .as(key)
          .isEqualTo(without.get(first).pick(key, null, 0));
    }
  }

  @Test
  void stickyKeysWhoseVariantFailsSpreadOverTheOthersByWeight() {
    Route<Void> route = route(variant("a", 45), variant("b", 45), variant("c", 10));

    long[] counts = new long[3];
    for (String key : userKeys(CALLS)) {
      counts[route.next(tried(2), key, 0)]++;
    }

    BinomialInterval half = BinomialInterval.of(CALLS, 0.5);
    assertThat(counts[2]).isZero();
    assertThat(counts[0]).isBetween(half.low(), half.high());
  }

  @Test
  void theLastOfSixtyFourVariantsCanBeTheNext() {
    Route.Builder<Void> builder = Route.builder(MODEL);
    for (int i = 0; i < Route.MAX_VARIANTS; i++) {
      builder.variant(variant("v" + i, 1));
    }
    Route<Void> route = builder.build();

    assertThat(route.next(~(1L << 63), null, 0)).isEqualTo(63);
    assertThat(route.next(~(1L << 63), "user-1", 0)).isEqualTo(63);
    assertThat(route.next(~(1L << 5), "user-1", 0)).isEqualTo(5);
    assertThat(route.next(-1L, null, 0)).isEqualTo(-1);
  }

  @Test
  void aRouteRefusesMoreThanSixtyFourVariants() {
    Route.Builder<Void> builder = Route.builder(MODEL);
    for (int i = 0; i <= Route.MAX_VARIANTS; i++) {
      builder.variant(variant("v" + i, 1));
    }

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("variants: 65 variants (expected: at most 64)");
  }

  @Test
  void aRouteRefusesAFallbackNamingAnUnknownVariant() {
    assertThatThrownBy(() -> chain(List.of("b", "x"), variant("a", 1), variant("b", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fallback[1]: \"x\" (expected: one of [a, b])");
  }

  @Test
  void aRouteRefusesAFallbackNamingAVariantTwice() {
    assertThatThrownBy(() -> chain(List.of("b", "a", "b", "c"), variant("a", 1), variant("b", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "fallback[2]: \"b\" (expected: each variant at most once)\n"
                + "fallback[3]: \"c\" (expected: one of [a, b])");
  }

  @Test
  void theFallbackIsKeptAsGivenAndEmptyByDefault() {
    assertThat(route(variant("a", 1)).fallback()).isEmpty();
    Route<Void> route = chain(List.of("b", "a"), variant("a", 1), variant("b", 1));

    assertThat(route.fallback()).containsExactly("b", "a");
    assertThat(route.toString()).contains("fallback=[b, a]");
  }

  @Test
  void aRouteAdmitsAsManyCallsAsItsLimitsSay() {
    Route<Void> route = route(variant("a", 1));
    assertThat(route.resilience()).isEqualTo(Resilience.DEFAULT);
    assertThat(route.admission().max()).isEqualTo(Limits.DEFAULT.maxInFlight());

    Resilience two = withMaxInFlight(2);
    Route<Void> limited =
        Route.<Void>builder(MODEL).variant(variant("a", 1)).resilience(two).build();
    assertThat(limited.resilience()).isSameAs(two);
    assertThat(limited.admission().tryAcquire()).isTrue();
    assertThat(limited.admission().tryAcquire()).isTrue();
    assertThat(limited.admission().tryAcquire()).isFalse();
  }

  @Test
  void newTargetsGetAFreshAdmissionAndRetryBudgetButKeepTheFallback() {
    Resilience one = withMaxInFlight(1);
    Route<Void> route =
        Route.<Void>builder(MODEL)
            .variant(variant("a", 1))
            .variant(variant("b", 1))
            .fallback(List.of("b"))
            .resilience(one)
            .build();
    assertThat(route.admission().tryAcquire()).isTrue();

    Route<String> next = route.withTargets((variant, target, balancer) -> variant.name());

    assertThat(next.admission()).isNotSameAs(route.admission());
    assertThat(next.admission().tryAcquire()).isTrue();
    assertThat(next.retryBudget()).isNotSameAs(route.retryBudget());
    assertThat(next.resilience()).isSameAs(one);
    assertThat(next.fallback()).containsExactly("b");
    assertThat(next.next(tried(0), null, 0)).isEqualTo(1);
  }

  private static Route<Void> chain(List<String> fallback, Variant... variants) {
    Route.Builder<Void> builder = Route.<Void>builder(MODEL).fallback(fallback);
    for (Variant variant : variants) {
      builder.variant(variant);
    }
    return builder.build();
  }

  /**
   * Where {@link #CALLS} calls that tried the variants in {@code tried} go next, as counts per
   * variant, with the random draws seeded by {@code seed}.
   */
  private static long[] nextCounts(Route<Void> route, long tried, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] counts = new long[route.variants().size()];
    for (int i = 0; i < CALLS; i++) {
      counts[route.next(tried, null, random.nextLong())]++;
    }
    return counts;
  }

  private static long tried(int... indexes) {
    long mask = 0;
    for (int index : indexes) {
      mask |= 1L << index;
    }
    return mask;
  }

  /** The default resilience, admitting at most {@code max} calls of the route at once. */
  private static Resilience withMaxInFlight(int max) {
    Resilience d = Resilience.DEFAULT;
    Limits limits = new Limits(max, d.limits().maxInFlightPerVariant(), d.limits().pushback());
    return new Resilience(
        d.deadlines(), limits, d.breaker(), d.outlier(), d.retry(), d.slowStart());
  }
}
