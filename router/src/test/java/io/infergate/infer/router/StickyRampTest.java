package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.route;
import static io.infergate.infer.router.Fixtures.userKeys;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
    int[] previous = null;
    for (int canary = 0; canary <= 100; canary++) {
      int[] current = picks(route(variant("stable", 100 - canary), variant("canary", canary)));
      assertOnlyMovedOnto(1, previous, current, canary);
      previous = current;
    }
    assertThat(previous).containsOnly(1);
  }

  @Test
  void rampingACanaryWhileScalingTheOthersAlikeNeverMovesKeysBetweenThem() {
    int[] previous = null;
    for (int canary = 0; canary <= 100; canary++) {
      int others = 100 - canary;
      int[] current =
          picks(
              route(
                  variant("a", 3 * others),
                  variant("b", 2 * others),
                  variant("canary", 5 * canary)));
      assertOnlyMovedOnto(2, previous, current, canary);
      previous = current;
    }
    assertThat(previous).containsOnly(2);
  }

  @Test
  void raisingOneVariantWithTheOthersFixedOnlyMovesKeysOntoIt() {
    int[] previous = null;
    for (int canary = 0; canary <= 100; canary++) {
      int[] current = picks(route(variant("a", 50), variant("canary", canary), variant("b", 30)));
      assertOnlyMovedOnto(1, previous, current, canary);
      previous = current;
    }
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
