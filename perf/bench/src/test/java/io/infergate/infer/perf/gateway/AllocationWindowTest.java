package io.infergate.infer.perf.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationWindowTest {
  private static final long SECOND = 1_000_000;

  /** One call ending every 1 ms from t = 0 to t = 10 s. */
  private static H2LoadLog callsEveryMillisecond() throws IOException {
    StringBuilder text = new StringBuilder();
    for (long end = 1_000; end <= 10 * SECOND; end += 1_000) {
      text.append(end - 500).append("\t200\t500\n");
    }
    return H2LoadLog.parse(new BufferedReader(new StringReader(text.toString())));
  }

  private static AllocationWindow.Sample sample(long thread, long micros, long bytes) {
    return new AllocationWindow.Sample(thread, micros, bytes);
  }

  @Test
  void dividesBytesBetweenTheOuterBatchesByCallsBetweenThem() throws IOException {
    List<AllocationWindow.Sample> samples =
        List.of(
            // Before the window: ignored.
            sample(1, 0, 0),
            // Batch at 1 s.
            sample(1, SECOND, 1_000_000),
            sample(2, SECOND + 30, 50_000),
            // Batch at 2 s.
            sample(1, 2 * SECOND, 2_000_000),
            sample(2, 2 * SECOND + 10, 60_000),
            // Batch at 4 s, with a thread that started in between.
            sample(1, 4 * SECOND, 4_000_000),
            sample(2, 4 * SECOND + 10, 90_000),
            sample(3, 4 * SECOND + 20, 10_000),
            // After the window: ignored.
            sample(1, 11 * SECOND, 99_000_000));

    AllocationWindow.Result result =
        AllocationWindow.measure(samples, callsEveryMillisecond(), SECOND / 2, 10 * SECOND);

    assertThat(result.fromMicros()).isEqualTo(SECOND);
    assertThat(result.toMicros()).isEqualTo(4 * SECOND);
    assertThat(result.bytes()).isEqualTo(3_000_000 + 40_000 + 10_000);
    assertThat(result.calls()).isEqualTo(3_000);
    assertThat(result.bytesPerCall())
        .isEqualTo(1_016.6666, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void groupsSamplesThatArriveTogether() {
    List<List<AllocationWindow.Sample>> batches =
        AllocationWindow.batches(
            List.of(
                sample(2, SECOND + 150_000, 1), sample(1, SECOND, 1), sample(1, 2 * SECOND, 1)));

    assertThat(batches).hasSize(2);
    assertThat(batches.get(0)).hasSize(2);
  }

  @Test
  void needsTwoBatchesInsideTheWindow() throws IOException {
    List<AllocationWindow.Sample> one = List.of(sample(1, SECOND, 5), sample(1, 20 * SECOND, 9));

    assertThatThrownBy(() -> AllocationWindow.measure(one, callsEveryMillisecond(), 0, 10 * SECOND))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
