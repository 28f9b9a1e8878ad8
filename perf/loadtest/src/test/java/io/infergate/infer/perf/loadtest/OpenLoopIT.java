package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.perf.loadtest.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ghz's closed loop hides and the open loop shows: a server that stalls for 1 s. The bounds
 * are deliberately loose (the machine is shared); the gap they test is an order of magnitude.
 */
class OpenLoopIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode run(TestServer server, String... flags) throws Exception {
    Cli.Result r =
        Cli.infer(
            server.target(), Cli.concat(flags, "-d", "{\"model_name\":\"stall\"}", "-O", "json"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  /** {@link #run} against a server of its own, closed once the run is over. */
  private static JsonNode runOnAFreshServer(String... flags) throws Exception {
    try (TestServer server = TestServer.start()) {
      return run(server, flags);
    }
  }

  private static long p99(JsonNode report) {
    for (JsonNode e : report.get("latencyDistribution")) {
      if (e.get("percentage").asInt() == 99) {
        return e.get("latency").asLong();
      }
    }
    throw new AssertionError("no p99 in " + report.get("latencyDistribution"));
  }

  @Test
  void aOneSecondStallShowsInOpenLoopP99ButNotInGhzClosedLoopP99() throws Exception {
    JsonNode closed;
    try (TestServer server = TestServer.start().stallOnce(100, 1000)) {
      closed = run(server, "--rps", "200", "-c", "1", "-z", "3s");
    }
    JsonNode open;
    try (TestServer server = TestServer.start().stallOnce(100, 1000)) {
      open = run(server, "--rps", "200", "--open-loop", "-z", "3s");
    }
    // ghz's figure: one worker waits out the stall, the calls it would have made are never made
    // late, so only one slow call shows (in the max) and p99 stays small.
    assertThat(closed.get("slowest").asLong()).isGreaterThan(800_000_000L);
    assertThat(p99(closed)).isLessThan(500_000_000L);
    // open loop: every call due during the stall counts its wait, about a third of the run.
    assertThat(p99(open)).isGreaterThan(700_000_000L);
    assertThat(p99(open)).isGreaterThan(2 * p99(closed));
    JsonNode x = open.get("loadtest");
    assertThat(x.get("mode").asText()).isEqualTo("open-loop");
    assertThat(x.get("latency").get("p99").asLong()).isGreaterThan(700_000_000L);
    assertThat(x.get("latency").get("max").asLong()).isGreaterThan(800_000_000L);
    assertThat(x.get("serviceTime").get("count").asLong()).isEqualTo(open.get("count").asLong());
    assertThat(x.get("requestedRps").asDouble()).isEqualTo(200.0);
    assertThat(x.get("achievedRps").asDouble()).isCloseTo(200.0, withPercentage(25));
    assertThat(open.get("count").asLong()).isBetween(450L, 650L);
    assertThat(closed.get("loadtest").get("mode").asText()).isEqualTo("closed-loop");
    assertThat(closed.get("loadtest").has("latency")).isFalse();
  }

  @Test
  void stepScheduleAchievesEachStepsRateInOpenLoop() throws Exception {
    JsonNode r =
        runOnAFreshServer(
            "--open-loop",
            "--load-schedule",
            "step",
            "--load-start",
            "100",
            "--load-step",
            "100",
            "--load-step-duration",
            "1s",
            "--load-end",
            "300",
            "-n",
            "600");
    assertAchieved(r);
    assertThat(r.get("loadtest").get("requestedRps").asDouble()).isCloseTo(200, withPercentage(10));
    assertThat(r.get("options").get("load-schedule").asText()).isEqualTo("step");
    assertThat(r.get("options").get("load-step-duration").asLong()).isEqualTo(1_000_000_000L);
  }

  @Test
  void lineScheduleAchievesItsRampInGhzClosedLoop() throws Exception {
    JsonNode r =
        runOnAFreshServer(
            "-c",
            "50",
            "--load-schedule",
            "line",
            "--load-start",
            "100",
            "--load-step",
            "100",
            "-n",
            "600");
    assertAchieved(r);
    assertThat(r.get("options").get("load-schedule").asText()).isEqualTo("line");
    assertThat(r.get("loadtest").get("mode").asText()).isEqualTo("closed-loop");
  }

  @Test
  void warmsUpAtAStandInAndCallsTheTargetOnlyOnceTheStartFileExists(@TempDir Path dir)
      throws Exception {
    Path go = dir.resolve("go");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (TestServer standIn = TestServer.start();
        TestServer target = TestServer.start()) {
      String[] args =
          Cli.concat(
              new String[] {
                "--insecure", "--proto", Cli.OIP_PROTO.toString(), "--call", Cli.MODEL_INFER
              },
              "--rps",
              "200",
              "--open-loop",
              "-z",
              "1s",
              "--warmup",
              "1s",
              "--warmup-target",
              standIn.target(),
              "--start-file",
              go.toString(),
              "-d",
              "{\"model_name\":\"m\"}",
              "-O",
              "json",
              target.target());
      CompletableFuture<Integer> running =
          CompletableFuture.supplyAsync(
              () ->
                  LoadtestMain.run(
                      args,
                      new PrintStream(out, true, StandardCharsets.UTF_8),
                      new PrintStream(err, true, StandardCharsets.UTF_8),
                      new ByteArrayInputStream(new byte[0]),
                      false));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> err.toString(StandardCharsets.UTF_8).contains("loadtest: warm"));
      // The warm-up's calls (200/s for 1 s) went to the stand-in; the target has not been called.
      long warmUpCalls = standIn.calls();
      assertThat(warmUpCalls).isBetween(150L, 250L);
      assertThat(target.calls()).isZero();

      Files.createFile(go);
      assertThat(running.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
      JsonNode report = JSON.readTree(out.toString(StandardCharsets.UTF_8));
      long count = report.get("count").asLong();
      assertThat(count).isBetween(150L, 250L);
      // Every answered call reached the target; one the run's end cancelled may not have.
      long ok = report.get("statusCodeDistribution").get("OK").asLong();
      assertThat(target.calls()).isBetween(ok, count);
      assertThat(standIn.calls()).isEqualTo(warmUpCalls);
    }
  }

  /** Calls actually sent in each second (timeline "sent") against the schedule's 100, 200, 300. */
  private static void assertAchieved(JsonNode r) {
    JsonNode timeline = r.get("loadtest").get("timeline");
    String all = timeline.toString();
    assertThat(r.get("loadtest").get("sent").asLong()).isEqualTo(600);
    assertThat(r.get("count").asLong()).isEqualTo(600);
    for (int i = 0; i < 3; i++) {
      assertThat(timeline.get(i).get("requested").asDouble()).isEqualTo(100.0 * (i + 1));
      assertThat(timeline.get(i).get("sent").asDouble())
          .as(all)
          .isCloseTo(100.0 * (i + 1), withPercentage(20));
    }
  }

  @Test
  void aCallPastItsDeadlineEndsAsGoDeadlineExceededOnBothTransports() throws Exception {
    for (String transport : new String[] {"h2", "grpc-java"}) {
      JsonNode r;
      try (TestServer server = TestServer.start().stallOnce(1, 1500)) {
        r = run(server, "--transport", transport, "-t", "300ms", "-n", "1", "-c", "1");
      }
      assertThat(r.get("statusCodeDistribution").get("DeadlineExceeded").asInt())
          .as(transport)
          .isEqualTo(1);
      assertThat(
              r.get("errorDistribution")
                  .get("rpc error: code = DeadlineExceeded desc = context deadline exceeded")
                  .asInt())
          .as(transport)
          .isEqualTo(1);
      assertThat(r.get("details").get(0).get("latency").asLong())
          .as(transport)
          .isBetween(250_000_000L, 1_400_000_000L);
    }
  }

  @Test
  void ghzAsyncSendsOnScheduleButMeasuresFromTheActualSend() throws Exception {
    JsonNode r = runOnAFreshServer("--async", "--rps", "200", "-n", "100");
    assertThat(r.get("count").asLong()).isEqualTo(100);
    assertThat(r.get("options").get("async").asBoolean()).isTrue();
    assertThat(r.get("loadtest").get("mode").asText()).isEqualTo("async");
    assertThat(r.get("loadtest").has("latency")).isFalse();
  }

  @Test
  void concurrencyScheduleAddsWorkers() throws Exception {
    JsonNode r;
    try (TestServer server = TestServer.start().serialServiceTime(2000)) {
      r =
          run(
              server,
              "--concurrency-schedule",
              "step",
              "--concurrency-start",
              "1",
              "--concurrency-step",
              "2",
              "--concurrency-step-duration",
              "300ms",
              "--concurrency-end",
              "5",
              "-n",
              "300");
    }
    assertThat(r.get("count").asLong()).isEqualTo(300);
    assertThat(r.get("options").get("concurrency-schedule").asText()).isEqualTo("step");
    // with one call at a time the server's queue, and so the latency, grows with the worker count
    assertThat(r.get("slowest").asLong()).isGreaterThan(3 * r.get("fastest").asLong());
  }

  @Test
  void attributesCallsToVariantsFromTheXVariantHeaderOverBothTransports() throws Exception {
    attributesVariants("h2");
    attributesVariants("grpc-java");
  }

  private static void attributesVariants(String transport) throws Exception {
    JsonNode r;
    try (TestServer server = TestServer.start().withVariants().failEvery(50)) {
      r = run(server, "--transport", transport, "-n", "500", "-c", "1");
    }
    JsonNode v = r.get("loadtest").get("variants");
    assertThat(GhzJsonReportIT.fieldNames(v))
        .containsExactlyInAnyOrder("stable;version=1", "canary;version=2");
    long stable = v.get("stable;version=1").get("count").asLong();
    long canary = v.get("canary;version=2").get("count").asLong();
    assertThat(stable + canary).as(r.get("loadtest").toString()).isEqualTo(500);
    assertThat(canary).isEqualTo(50);
    assertThat(v.get("canary;version=2").get("statusCodeDistribution").get("Internal").asLong())
        .isEqualTo(10);
    assertThat(v.get("stable;version=1").get("statusCodeDistribution").get("OK").asLong())
        .isEqualTo(450);
    assertThat(v.get("stable;version=1").get("latency").get("p99").asLong()).isPositive();
  }

  @Test
  void sloSearchFindsTheHighestRateAServerOfKnownCapacityKeeps() throws Exception {
    JsonNode r;
    try (TestServer server = TestServer.start().serialServiceTime(2000)) { // 500 calls/s at most
      r =
          run(
              server,
              "--slo",
              "p99=200ms",
              "--slo-min-rps",
              "50",
              "--slo-max-rps",
              "3200",
              "--slo-probe-duration",
              "600ms",
              "--slo-precision",
              "0.1");
    }
    JsonNode slo = r.get("loadtest").get("slo");
    assertThat(slo.get("objective").asText()).isEqualTo("p99=200ms");
    // 800 calls/s queue up 180 calls in a 0.6 s probe (360 ms): a miss; the bisection lands near
    // 500
    assertThat(slo.get("bestRps").asDouble()).as(slo.toString()).isBetween(100.0, 700.0);
    assertThat(slo.get("probes").size()).isGreaterThanOrEqualTo(4);
    boolean sawMiss = false;
    for (JsonNode p : slo.get("probes")) {
      sawMiss |= !p.get("meets").asBoolean();
    }
    assertThat(sawMiss).isTrue();
  }
}
