package io.infergate.infer.router;

import static io.infergate.infer.router.Fixtures.MODEL;
import static io.infergate.infer.router.Fixtures.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Canary-drift settings: defaults, each limit, and which variant a route compares with. */
class CanaryDriftTest {
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @Test
  void keysLeftOutTakeTheirDefaults() {
    assertThat(CanaryDrift.of(null, null, null, null, null))
        .isEqualTo(new CanaryDrift(null, Duration.ofMinutes(5), TEN_SECONDS, 100, 1.0));
    assertThat(CanaryDrift.of(null, null, null, null, null).buckets()).isEqualTo(30);
  }

  @Test
  void theBucketIsAtLeastATenthOfASecondAndAtMostAnHour() {
    assertThat(CanaryDrift.of(null, Duration.ofMillis(100), Duration.ofMillis(100), 1, 1.0))
        .isNotNull();
    assertThat(CanaryDrift.of(null, Duration.ofHours(1), Duration.ofHours(1), 1, 1.0)).isNotNull();
    assertThatThrownBy(() -> CanaryDrift.of(null, null, Duration.ofMillis(99), null, null))
        .hasMessage("bucket: PT0.099S (expected: PT0.1S..PT1H)");
    assertThatThrownBy(() -> CanaryDrift.of(null, null, Duration.ofMinutes(61), null, null))
        .hasMessage("bucket: PT1H1M (expected: PT0.1S..PT1H)");
  }

  @Test
  void theWindowIsOneTo360WholeBuckets() {
    assertThat(CanaryDrift.of(null, TEN_SECONDS, TEN_SECONDS, null, null).buckets()).isEqualTo(1);
    assertThat(CanaryDrift.of(null, Duration.ofHours(1), TEN_SECONDS, null, null).buckets())
        .isEqualTo(360);
    assertThatThrownBy(() -> CanaryDrift.of(null, Duration.ofSeconds(3610), TEN_SECONDS, 1, 1.0))
        .hasMessage("window: PT1H10S (expected: 1..360 whole buckets of PT10S)");
    assertThatThrownBy(() -> CanaryDrift.of(null, Duration.ofSeconds(15), TEN_SECONDS, 1, 1.0))
        .hasMessage("window: PT15S (expected: 1..360 whole buckets of PT10S)");
    assertThatThrownBy(() -> CanaryDrift.of(null, Duration.ofSeconds(5), TEN_SECONDS, 1, 1.0))
        .hasMessage("window: PT5S (expected: 1..360 whole buckets of PT10S)");
  }

  @Test
  void minAnswersIsAtLeastOneAndTheFractionInZeroToOne() {
    assertThat(CanaryDrift.of(null, null, null, 1, Double.MIN_VALUE).minAnswers()).isEqualTo(1);
    assertThatThrownBy(() -> CanaryDrift.of(null, null, null, 0, null))
        .hasMessage("minAnswers: 0 (expected: 1..2147483647)");
    assertThatThrownBy(() -> CanaryDrift.of(null, null, null, null, 0.0))
        .hasMessage("fraction: 0.0 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> CanaryDrift.of(null, null, null, null, 1.01))
        .hasMessage("fraction: 1.01 (expected: > 0 and <= 1)");
  }

  @Test
  void everyBadKeyIsNamedAtOnce() {
    assertThatThrownBy(() -> CanaryDrift.of(" ", null, Duration.ZERO, -1, 2.0))
        .hasMessage(
            "reference: \" \" (expected: non-blank)\n"
                + "bucket: PT0S (expected: PT0.1S..PT1H)\n"
                + "minAnswers: -1 (expected: 1..2147483647)\n"
                + "fraction: 2.0 (expected: > 0 and <= 1)");
  }

  @Test
  void theReferenceIsTheHeaviestVariantUnlessNamed() {
    assertThat(route(null, 10, 90).canaryReference()).isEqualTo(1);
    assertThat(route(null, 50, 50).canaryReference()).isZero(); // the first on a tie
    assertThat(route("canary", 90, 10).canaryReference()).isEqualTo(1);
    assertThat(route(null, 90, 10).withTargets((v, t, b) -> t).canaryReference()).isZero();
  }

  @Test
  void newWeightsKeepTheReferenceTheRouteWasBuiltWith() {
    Route<Void> ramped = route(null, 90, 10).withWeights(Map.of("stable", 10, "canary", 90));

    assertThat(ramped.canaryReference()).isZero();
    assertThat(ramped.canaryDrift().reference()).isEqualTo("stable");
  }

  @Test
  void aRouteRefusesAReferenceThatIsNoneOfItsVariants() {
    assertThatThrownBy(() -> route("nightly", 1, 1))
        .hasMessage("canaryDrift.reference: \"nightly\" (expected: one of [stable, canary])");
  }

  @Test
  void aRouteWithoutCanaryDriftComparesNothing() {
    Route<Void> route =
        Route.<Void>builder(MODEL).variant(variant("a", 1)).variant(variant("b", 1)).build();

    assertThat(route.canaryDrift()).isNull();
    assertThat(route.canaryReference()).isEqualTo(-1);
  }

  private static Route<Void> route(String reference, int stable, int canary) {
    return Route.<Void>builder(MODEL)
        .variant(variant("stable", stable))
        .variant(variant("canary", canary))
        .canaryDrift(CanaryDrift.of(reference, null, null, null, null))
        .build();
  }
}
