package io.infergate.infer.perf.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void bucketsCallsByTheWholeSecondTheyWereSentIn() {
    Timeline timeline = new Timeline();
    timeline.record(0, 100, Status.Code.OK, "stable", false);
    timeline.record(SECOND - 1, 300, Status.Code.OK, "canary", false);
    timeline.record(SECOND, 200, Status.Code.UNAVAILABLE, "canary", false);

    List<Timeline.Second> seconds = timeline.seconds();

    assertThat(seconds).extracting(Timeline.Second::second).containsExactly(0, 1);
    assertThat(seconds.get(0).calls()).isEqualTo(2);
    assertThat(seconds.get(0).variant("canary")).isEqualTo(1);
    assertThat(seconds.get(0).maxMicros()).isEqualTo(300);
    assertThat(seconds.get(1).count(Status.Code.UNAVAILABLE)).isEqualTo(1);
    assertThat(seconds.get(1).failed()).isEqualTo(1);
  }

  @Test
  void callsSentBeforeTheOriginCountInSecondZero() {
    Timeline timeline = new Timeline();
    timeline.record(-5 * SECOND, 1, Status.Code.OK, "stable", false);

    assertThat(timeline.seconds()).singleElement().extracting(Timeline.Second::second).isEqualTo(0);
  }

  @Test
  void secondsWithoutCallsAppearAsEmptyBuckets() {
    Timeline timeline = new Timeline();
    timeline.record(0, 1, Status.Code.OK, "stable", false);
    timeline.record(3 * SECOND, 1, Status.Code.OK, "stable", false);

    List<Timeline.Second> seconds = timeline.seconds();

    assertThat(seconds).extracting(Timeline.Second::calls).containsExactly(1L, 0L, 0L, 1L);
    assertThat(seconds.get(1).share("stable")).isZero();
  }

  @Test
  void anAnswerWithoutVariantCountsAsACallOfNoVariant() {
    Timeline timeline = new Timeline();
    timeline.record(0, 1, Status.Code.UNAVAILABLE, null, false);
    timeline.record(0, 1, Status.Code.OK, "stable", true);

    Timeline.Second second = timeline.seconds().get(0);

    assertThat(second.variants()).containsOnlyKeys("stable");
    assertThat(second.share("stable")).isEqualTo(0.5);
    assertThat(second.fallbacks()).isEqualTo(1);
  }

  @Test
  void findsTheFirstSecondFromAStartAndTheLastSecondThatMatch() {
    Timeline timeline = new Timeline();
    // Canary shares by second: 10%, 0%, 0%, 4%, 6%, 10%.
    int[] canary = {10, 0, 0, 4, 6, 10};
    for (int s = 0; s < canary.length; s++) {
      for (int call = 0; call < 100; call++) {
        timeline.record(
            s * SECOND, 1, Status.Code.OK, call < canary[s] ? "canary" : "stable", false);
      }
    }
    List<Timeline.Second> seconds = timeline.seconds();

    assertThat(Timeline.firstSecond(seconds, 1, s -> s.share("canary") >= 0.05)).isEqualTo(4);
    assertThat(Timeline.firstSecond(seconds, 0, s -> s.share("canary") >= 0.05)).isEqualTo(0);
    assertThat(Timeline.firstSecond(seconds, 6, s -> true)).isEqualTo(-1);
    assertThat(Timeline.lastSecond(seconds, s -> s.variant("canary") == 0)).isEqualTo(2);
    assertThat(Timeline.lastSecond(seconds, s -> s.calls() > 100)).isEqualTo(-1);
  }
}
