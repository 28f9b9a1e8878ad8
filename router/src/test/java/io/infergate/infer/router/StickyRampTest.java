package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.userKeys;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Ramps a canary step by step and follows every key: the property that makes sticky ramps safe is
 * that a key only ever moves onto the variant being raised, so no user flips back and forth during
 * a rollout.
 */
class StickyRampTest {
  private static final String[] KEYS = userKeys(20_000);

  @Test
  void rampingACanaryAgainstOneStableVariantOnlyMovesKeysOntoTheCanary() {
    int[] last =
        ramp(1, canary -> route(variant("stable", 100 - canary), variant("canary", canary)));

    assertThat(last).containsOnly(1);
  }

  @Test
  void rampingACanaryWhileScalingTheOthersAlikeNeverMovesKeysBetweenThem() {
    int[] last =
        ramp(
            2,
            canary ->
                route(
                    variant("a", 3 * (100 - canary)),
                    variant("b", 2 * (100 - canary)),
                    variant("canary", 5 * canary)));

    assertThat(last).containsOnly(2);
  }

  @Test
  void raisingOneVariantWithTheOthersFixedOnlyMovesKeysOntoIt() {
    ramp(1, canary -> route(variant("a", 50), variant("canary", canary), variant("b", 30)));
  }

  /**
   * Raises variant {@code raised} from weight 0 to 100 in steps of 1 ({@code routeAt} gives the
   * route at each), failing on the first key that moves anywhere but onto it; returns the variant
   * each key picks at the last step.
   */
  private static int[] ramp(int raised, IntFunction<Route<Void>> routeAt) {
    int[] previous = null;
    for (int step = 0; step <= 100; step++) {
      int[] current = picks(routeAt.apply(step));
      assertOnlyMovedOnto(raised, previous, current, step);
      previous = current;
    }
    return previous;
  }

  private static int[] picks(Route<Void> route) {
    int[] picks = new int[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      picks[i] = route.pick(KEYS[i], null, 0);
    }
    return picks;
  }

  /**
   * Fails on the first key that moved anywhere but onto {@code raised}; AssertJ per key is too
   * slow.
   */
  private static void assertOnlyMovedOnto(int raised, int[] previous, int[] current, int step) {
    if (previous == null) {
      return;
    }
    for (int i = 0; i < current.length; i++) {
      if (current[i] != previous[i] && current[i] != raised) {
        fail("%s moved from variant %d to %d at step %d", KEYS[i], previous[i], current[i], step);
      }
    }
  }
}
