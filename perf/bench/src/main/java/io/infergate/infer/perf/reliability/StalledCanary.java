package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.grpc.Status;
import io.infergate.infer.perf.kit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The canary is up but stuck ({@link StalledBackend}): connections succeed, calls never end. Every
 * call carries a 200 ms deadline, so each one routed there fails with DEADLINE_EXCEEDED unless the
 * gateway learns to stop sending there; once it has seen the canary stall for its window, stable
 * should answer every call.
 */
final class StalledCanary implements Scenario.Script {
  private static final OpenLoop LOAD = new OpenLoop(200, 20, 200);

  /** A breaker's window: from here on the goal is that stable answers every call. */
  private static final int SETTLED_FROM_SECOND = 5;

  private static final int CANARY_WEIGHT = 10;

  static final String DESCRIPTION =
      "`stable` = A (digits v1, weight 90), `canary` = a backend that accepts every call and"
          + " never answers (weight 0 during a 10 s warm-up ramp of the gateway, then "
          + CANARY_WEIGHT
          + " by a hot reload; t=0 is when the gateway logs the reload); "
          + LOAD.describe()
          + ", each with a "
          + LOAD.deadlineMillis()
          + " ms deadline. Goal: no failed call sent"
          + " after t="
          + SETTLED_FROM_SECOND
          + " s (a breaker's window to notice the stall).";

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    ChildProcess a = fleet.modelServer("A", 1, 0);
    ChildProcess stalled = fleet.stalledBackend("stalled");
    Map<String, String> warmUp =
        Map.of("A", a.address(), "STALLED", stalled.address(), "CANARY_WEIGHT", "0");
    ChildProcess gateway = fleet.gateway(GatewayConfigs.STALLED_CANARY, warmUp);
    byte[] body = DigitsRequests.valid().toByteArray();
    LOAD.warmUp(gateway.address(), body, fleet.progress());
    int reloadsBefore = reloads(gateway);
    Map<String, String> measured = new HashMap<>(warmUp);
    measured.put("CANARY_WEIGHT", Integer.toString(CANARY_WEIGHT));
    fleet.rewriteConfig("gateway", GatewayConfigs.render(GatewayConfigs.STALLED_CANARY, measured));
    long reloadWait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reloads(gateway) == reloadsBefore) {
      if (System.nanoTime() > reloadWait) {
        throw new IllegalStateException(
            "the gateway did not reload its file within 10 s; see " + gateway.log());
      }
      Thread.sleep(20);
    }
    fleet.progress().println("  canary weight " + CANARY_WEIGHT + " in force");
    fleet
        .progress()
        .printf(
            "  %s calls/s for %s s, %d ms deadline%n",
            LOAD.rate(), LOAD.seconds(), LOAD.deadlineMillis());
    CallTally.Summary summary = LOAD.measure(gateway.address(), body);
    List<Timeline.Second> seconds = summary.seconds();
    long lateFailures = 0;
    for (Timeline.Second second : seconds) {
      if (second.second() >= SETTLED_FROM_SECOND) {
        lateFailures += second.failed();
      }
    }
    int lastFailure = Timeline.lastSecond(seconds, s -> s.failed() > 0);
    StringBuilder out = new StringBuilder();
    out.append(TallyTables.wholeRun(LOAD.seconds(), summary));
    out.append("- last second with a failed call: ")
        .append(lastFailure < 0 ? "none" : Integer.toString(lastFailure))
        .append("; DEADLINE_EXCEEDED in all: ")
        .append(summary.count(Status.Code.DEADLINE_EXCEEDED))
        .append(
            "\n\nA call whose own deadline ends it gets no answer from the gateway, so no"
                + " `x-variant`: the canary's failures show only as failures.")
        .append('\n');
    out.append(TallyTables.perSecondSection(seconds, List.of("stable", "canary")));
    return new Outcome(
        out.toString(),
        List.of(
            new Outcome.Goal(
                "failed calls sent after t=" + SETTLED_FROM_SECOND + " s = 0",
                Long.toString(lateFailures)
                    + " (of "
                    + summary.failed()
                    + " failed in all; OK p99 "
                    + fixed(summary.okMillis(99), 1)
                    + " ms)",
                lateFailures == 0)));
  }

  /** The gateway's lines saying it applied a changed file. */
  private static int reloads(ChildProcess gateway) throws IOException {
    int count = 0;
    for (String line : Files.readAllLines(gateway.log(), UTF_8)) {
      if (line.contains("Config reloaded")) {
        count++;
      }
    }
    return count;
  }
}
