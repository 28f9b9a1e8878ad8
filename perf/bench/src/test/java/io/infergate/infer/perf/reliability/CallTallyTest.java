package io.infergate.infer.perf.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallTallyTest {
  private static final long ORIGIN = 1_000_000_000_000L;
  private static final long MILLI = 1_000_000L;

  @Test
  void readsTheVariantFromHeadersOfAnswersAndFromTrailersOfFailures() {
    CallTally tally = new CallTally(ORIGIN);
    tally.ended(
        ORIGIN,
        ORIGIN + MILLI,
        Status.OK,
        metadata("x-variant", "stable;version=1"),
        new Metadata());
    tally.ended(
        ORIGIN,
        ORIGIN + MILLI,
        Status.UNAVAILABLE.withDescription("variant 'canary' of model 'digits': no endpoint"),
        null,
        metadata("x-variant", "canary"));

    CallTally.Summary summary = tally.summary();

    assertThat(summary.variants())
        .containsEntry("stable;version=1", 1L)
        .containsEntry("canary", 1L);
    assertThat(summary.variant("stable")).isEqualTo(1);
    assertThat(summary.variant("canary")).isEqualTo(1);
    assertThat(summary.seconds().get(0).variants())
        .containsEntry("stable", 1L)
        .containsEntry("canary", 1L);
    assertThat(summary.descriptions())
        .containsEntry(
            Status.Code.UNAVAILABLE, Map.of("variant 'canary' of model 'digits': no endpoint", 1L));
  }

  @Test
  void keepsAFewDistinctDescriptionsPerCodeAndCountsTheRestTogether() {
    CallTally tally = new CallTally(ORIGIN);
    for (String description : List.of("a", "b", "a", "c", "d", "e", "a")) {
      tally.ended(
          ORIGIN, ORIGIN, Status.UNAVAILABLE.withDescription(description), null, new Metadata());
    }

    assertThat(tally.summary().descriptions().get(Status.Code.UNAVAILABLE))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("a", 3L, "b", 1L, "c", 1L, CallTally.OTHER_DESCRIPTIONS, 2L));
  }

  @Test
  void countsCodesCallsNeverSentAndLatencyOfOkCallsApart() {
    CallTally tally = new CallTally(ORIGIN);
    tally.ended(ORIGIN, ORIGIN + 2 * MILLI, Status.OK, new Metadata(), new Metadata());
    tally.ended(ORIGIN, ORIGIN + 400 * MILLI, Status.DEADLINE_EXCEEDED, null, new Metadata());
    tally.notSent(ORIGIN);

    CallTally.Summary summary = tally.summary();

    assertThat(summary.calls()).isEqualTo(2);
    assertThat(summary.ok()).isEqualTo(1);
    assertThat(summary.failed()).isEqualTo(2);
    assertThat(summary.okMillis(100)).isBetween(1.99, 2.01);
    assertThat(summary.allMillis(100)).isBetween(399.0, 401.0);
    assertThat(TallyTables.failures(summary)).isEqualTo("2 (DEADLINE_EXCEEDED 1, not sent 1)");
  }

  @Test
  void countsFallbacksFromEitherPlaceAndPushbackOnlyOnResourceExhausted() {
    CallTally tally = new CallTally(ORIGIN);
    tally.ended(ORIGIN, ORIGIN, Status.OK, metadata("x-fallback", "stable"), new Metadata());
    tally.ended(ORIGIN, ORIGIN, Status.UNAVAILABLE, null, metadata("x-fallback", "stable"));
    tally.ended(
        ORIGIN, ORIGIN, Status.RESOURCE_EXHAUSTED, null, metadata("grpc-retry-pushback-ms", "25"));
    tally.ended(ORIGIN, ORIGIN, Status.RESOURCE_EXHAUSTED, null, new Metadata());
    tally.ended(ORIGIN, ORIGIN, Status.UNAVAILABLE, null, metadata("grpc-retry-pushback-ms", "9"));

    CallTally.Summary summary = tally.summary();

    assertThat(summary.fallbackAnswers()).isEqualTo(2);
    assertThat(summary.seconds().get(0).fallbacks()).isEqualTo(2);
    assertThat(summary.exhausted()).isEqualTo(2);
    assertThat(summary.exhaustedWithPushback()).isEqualTo(1);
    assertThat(summary.pushbackSample()).isEqualTo("25");
  }

  @Test
  void variantNameDropsTheVersion() {
    assertThat(CallTally.variantName("canary;version=2")).isEqualTo("canary");
    assertThat(CallTally.variantName("stable")).isEqualTo("stable");
    assertThat(CallTally.variantName(null)).isNull();
  }

  @Test
  void anEmptyTallyHasNoLatency() {
    CallTally.Summary summary = new CallTally(ORIGIN).summary();

    assertThat(summary.calls()).isZero();
    assertThat(summary.okMillis(99)).isNaN();
    assertThat(summary.seconds()).isEmpty();
    assertThat(TallyTables.failures(summary)).isEqualTo("0");
  }

  private static Metadata metadata(String key, String value) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
    return metadata;
  }
}
