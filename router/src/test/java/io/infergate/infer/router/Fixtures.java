package io.infergate.infer.router;

import io.infergate.infer.router.policy.BalancePolicy;
import java.util.List;

/** Routes and variants for tests, with the config details a test does not care about filled in. */
final class Fixtures {
  static final String MODEL = "digits";

  /**
   * Calls a statistical test of shares makes: enough that its {@link BinomialInterval} is a few
   * percent of the share wide, few enough to run in a moment.
   */
  static final int CALLS = 100_000;

  private Fixtures() {}

  static Variant variant(String name, int weight) {
    return new Variant(
        name, weight, List.of(new Endpoint(name + ".models.svc", 8500)), BalancePolicy.ROUND_ROBIN);
  }

  /** A shadow with the default limits. */
  static Shadow shadow(String variant, double fraction) {
    return Shadow.of(variant, fraction, null, null);
  }

  static Route<Void> route(Variant... variants) {
    return route(null, variants);
  }

  /** A route of {@code variants} whose calls are copied as {@code shadow} says (null: never). */
  static Route<Void> route(Shadow shadow, Variant... variants) {
    Route.Builder<Void> builder = Route.<Void>builder(MODEL).shadow(shadow);
    for (Variant variant : variants) {
      builder.variant(variant);
    }
    return builder.build();
  }

  /**
   * Keys {@code user-0} ... {@code user-<count-1>}, built once so tests time picks, not strings.
   */
  static String[] userKeys(int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = "user-" + i;
    }
    return keys;
  }
}
