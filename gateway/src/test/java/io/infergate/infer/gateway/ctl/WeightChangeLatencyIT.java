package io.infergate.infer.gateway.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.infergate.infer.gateway.testing.GatewayClient;
import io.infergate.infer.gateway.testing.GatewayClient.Pending;
import io.infergate.infer.gateway.testing.GatewayClient.Reply;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14's bar for a weight change: under 500 calls/s open loop, {@code gatewayctl set-weights}
 * takes effect within 1 s of the command's return (every call answered after that went to the new
 * split) with no failed call. Prints the measured figures on one {@code weight-change:} line.
 */
class WeightChangeLatencyIT {
  private static final int CALLS_PER_SECOND = 500;
  private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1) / CALLS_PER_SECOND;
  private static final long EFFECT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static ResourceLeakDetector.Level leakDetection;

  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  // The build runs ITs with paranoid leak detection, which records a stack trace at every buffer
  // access: 500 calls/s through four parties in one JVM then measures the detector, not the
  // gateway. The other ITs hunt leaks; this one measures time.
  @BeforeAll
  static void simpleLeakDetection() {
    leakDetection = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
  }

  @AfterAll
  static void restoreLeakDetection() {
    ResourceLeakDetector.setLevel(leakDetection);
  }

  @Test
  void aWeightChangeTakesEffectWithinOneSecondOfTheCommandsReturnWithNoFailedCall()
      throws Exception {
    AdminGateway gw = new AdminGateway(bed, dir);
    GatewayClient client = bed.client(gw.plane.gateway());
    // Warm up first (class loading and the JIT on the data path and in gatewayctl), so that the
    // open loop measures a running gateway: on 2 cores a cold start stalls calls for seconds.
    for (int i = 0; i < 2_000; i++) {
      assertThat(client.infer("digits", Map.of()).isOk()).isTrue();
    }
    CtlRun warm =
        gw.ctl("get", "--admin", gw.address(), "--token-file", gw.viewerTokenFile.toString());
    assertThat(warm.exit()).as(warm.toString()).isZero();
    OpenLoop load = new OpenLoop(client);
    Thread driver = new Thread(load, "open-loop");
    driver.start();
    CtlRun set;
    long startedNanos;
    long returnedNanos;
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> load.answered.get() >= CALLS_PER_SECOND);

      startedNanos = System.nanoTime();
      set =
          gw.ctl(
              "set-weights",
              "digits",
              "v1=0",
              "v2=100",
              "--reason",
              "all to v2",
              "--admin",
              gw.address(),
              "--token-file",
              gw.operatorTokenFile.toString(),
              // Generous: on a busy machine the first call also loads the CLI's classes.
              "--deadline",
              "60s");
      returnedNanos = System.nanoTime();

      // Load goes on for 2 s after the return, twice the bound.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> load.lastSentNanos.get() - returnedNanos > 2 * EFFECT_BOUND_NANOS);
    } finally {
      load.running.set(false);
      driver.join(10_000);
    }
    assertThat(set.exit()).as(set.toString()).isZero();

    List<Answered> answers = new ArrayList<>();
    for (Sent call : load.sent) {
      Reply reply = call.pending().recorder().await();
      answers.add(new Answered(call.sentNanos(), call.answeredNanos().get(), reply));
    }
    System.out.println(
        "weight-change outcomes: "
            + answers.stream()
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        a -> a.reply().code() + "/" + a.servedBy(),
                        java.util.stream.Collectors.counting())));
    List<Answered> failed = answers.stream().filter(a -> !a.reply().isOk()).toList();
    List<Answered> oldSplitAfterBound =
        answers.stream()
            .filter(a -> a.answeredNanos() - returnedNanos >= EFFECT_BOUND_NANOS)
            .filter(a -> !"v2".equals(a.servedBy()))
            .toList();
    long lastV1 = timesOf(answers, "v1", Answered::answeredNanos).max().orElseThrow();
    long firstV2 = timesOf(answers, "v2", Answered::answeredNanos).min().orElseThrow();
    long v1AfterReturn =
        answers.stream()
            .filter(a -> "v1".equals(a.servedBy()) && a.answeredNanos() > returnedNanos)
            .count();
    long lastV1Sent = timesOf(answers, "v1", Answered::sentNanos).max().orElseThrow();
    long[] latencies =
        answers.stream().mapToLong(a -> a.answeredNanos() - a.sentNanos()).sorted().toArray();
    long firstSent = answers.get(0).sentNanos();
    long lastSent = answers.get(answers.size() - 1).sentNanos();
    double rate = (answers.size() - 1) * 1e9 / (lastSent - firstSent);
    System.out.printf(
        Locale.ROOT,
        "weight-change: %d calls at %.0f/s open loop, %d failed; command took %.1f ms; first v2"
            + " answer %+.1f ms and last v1 answer %+.1f ms from the command's return (the new"
            + " split alone from then on); last call routed to v1 sent %+.1f ms from the return;"
            + " %d v1 answers after the return; call latency p50 %.1f ms, p99 %.1f ms, max %.1f"
            + " ms%n",
        answers.size(),
        rate,
        failed.size(),
        millis(returnedNanos - startedNanos),
        millis(firstV2 - returnedNanos),
        millis(lastV1 - returnedNanos),
        millis(lastV1Sent - returnedNanos),
        v1AfterReturn,
        millis(latencies[latencies.length / 2]),
        millis(latencies[(int) (latencies.length * 0.99)]),
        millis(latencies[latencies.length - 1]));

    assertThat(failed).as("failed calls").isEmpty();
    assertThat(lastV1Sent).as("a call sent after the return went to v1").isLessThan(returnedNanos);
    assertThat(oldSplitAfterBound)
        .as("calls answered by v1 1 s or more after the return")
        .isEmpty();
    assertThat(rate).as("calls/s sent").isGreaterThan(CALLS_PER_SECOND * 0.9);
    assertThat(firstV2 - returnedNanos)
        .as("first v2 answer after the return")
        .isLessThan(EFFECT_BOUND_NANOS);
  }

  /** {@code time} of each call that {@code variant} served. */
  private static LongStream timesOf(
      List<Answered> answers, String variant, ToLongFunction<Answered> time) {
    return answers.stream().filter(a -> variant.equals(a.servedBy())).mapToLong(time);
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** A call sent by the open loop, and when its answer came (0 until then). */
  private record Sent(long sentNanos, Pending pending, AtomicLong answeredNanos) {}

  /** A call's whole story: when sent, when answered, and how. */
  private record Answered(long sentNanos, long answeredNanos, Reply reply) {
    String servedBy() {
      return reply.header("x-served-by");
    }
  }

  /**
   * Sends a call every {@link #PERIOD_NANOS} on schedule, whether or not earlier calls have been
   * answered (open loop: a slow answer cannot slow the offered load), until stopped.
   */
  private static final class OpenLoop implements Runnable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong answered = new AtomicLong();
    final AtomicLong lastSentNanos = new AtomicLong();
    final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final GatewayClient client;

    OpenLoop(GatewayClient client) {
      this.client = client;
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      for (long n = 0; running.get(); n++) {
        long wait = start + n * PERIOD_NANOS - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        long now = System.nanoTime();
        Pending pending =
            client.open(
                "digits",
                Map.of(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                true);
        AtomicLong answeredAt = new AtomicLong();
        pending
            .recorder()
            .done()
            .whenComplete(
                (reply, failure) -> {
                  answeredAt.set(System.nanoTime());
                  answered.incrementAndGet();
                });
        sent.add(new Sent(now, pending, answeredAt));
        lastSentNanos.set(now);
      }
    }
  }
}
