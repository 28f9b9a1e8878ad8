package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.CALLS;
import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.userKeys;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedSplitTest {
  @Test
  void aNinetyTenSplitWithoutStickyKeysLandsWithinTheBinomialInterval() {
    Route<Void> route = route(variant("stable", 90), variant("canary", 10));
    SplittableRandom random = new SplittableRandom(42);

    long[] counts = new long[2];
    for (int i = 0; i < CALLS; i++) {
      counts[route.pick(null, null, random.nextLong())]++;
    }

    assertThat(counts[1]).isBetween(low(0.1), high(0.1));
  }

  @Test
  void aNinetyTenSplitOverDistinctStickyKeysLandsWithinTheBinomialInterval() {
    Route<Void> route = route(variant("stable", 90), variant("canary", 10));

    long[] counts = new long[2];
    for (String key : userKeys(CALLS)) {
      counts[route.pick(key, null, 0)]++;
    }

    assertThat(counts[1]).isBetween(low(0.1), high(0.1));
  }

  @Test
  void aFiftyThirtyTwentySplitLandsWithinTheBinomialIntervalWithAndWithoutStickyKeys() {
    Route<Void> route = route(variant("a", 50), variant("b", 30), variant("c", 20));
    SplittableRandom random = new SplittableRandom(7);
    String[] keys = userKeys(CALLS);

    long[] random3 = new long[3];
    long[] sticky3 = new long[3];
    for (int i = 0; i < CALLS; i++) {
      random3[route.pick(null, null, random.nextLong())]++;
      sticky3[route.pick(keys[i], null, 0)]++;
    }

    double[] shares = {0.5, 0.3, 0.2};
    for (int v = 0; v < 3; v++) {
      assertThat(random3[v]).as("random, variant %d", v).isBetween(low(shares[v]), high(shares[v]));
      assertThat(sticky3[v]).as("sticky, variant %d", v).isBetween(low(shares[v]), high(shares[v]));
    }
  }

  @Test
  void aStickyKeyKeepsItsVariantWhileWeightsAreUnchanged() {
    Route<Void> first = route(variant("a", 50), variant("b", 30), variant("c", 20));
    Route<Void> rebuilt = route(variant("a", 50), variant("b", 30), variant("c", 20));
    SplittableRandom random = new SplittableRandom(3);

    for (String key : userKeys(10_000)) {
      int picked = first.pick(key, null, random.nextLong());
      assertThat(first.pick(key, null, random.nextLong())).as(key).isEqualTo(picked);
      assertThat(rebuilt.pick(key, null, random.nextLong())).as(key).isEqualTo(picked);
    }
  }

  @Test
  void aVariantWithWeightZeroIsNeverPickedByWeight() {
    Route<Void> route = route(variant("dark", 0), variant("stable", 1), variant("off", 0));
    SplittableRandom random = new SplittableRandom(11);

    for (String key : userKeys(1_000)) {
      assertThat(route.pick(null, null, random.nextLong())).isEqualTo(1);
      assertThat(route.pick(key, null, 0)).isEqualTo(1);
    }
    assertThat(route.pick(null, null, 0)).isEqualTo(1);
    assertThat(route.pick(null, null, -1)).isEqualTo(1);
  }

  @Test
  void theExtremeRandomValuesMapToTheFirstAndLastVariants() {
    Route<Void> route = route(variant("a", 1), variant("b", 1), variant("c", 1));

    assertThat(route.pick(null, null, 0)).isZero();
    assertThat(route.pick(null, null, -1)).isEqualTo(2);
  }

  @Test
  void anEmptyStickyKeyIsSpreadByWeightLikeAnAbsentOne() {
    Route<Void> route = route(variant("a", 1), variant("b", 1));

    assertThat(route.pick("", null, 0)).isZero();
    assertThat(route.pick("", null, -1)).isEqualTo(1);
  }

  private static long low(double p) {
    return BinomialInterval.of(CALLS, p).low();
  }

  private static long high(double p) {
    return BinomialInterval.of(CALLS, p).high();
  }
}
