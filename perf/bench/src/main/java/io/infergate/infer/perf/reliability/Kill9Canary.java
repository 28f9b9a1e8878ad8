package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;

import io.infergate.infer.perf.kit.ChildProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The canary's model server dies by SIGKILL under load (no goodbye: no GOAWAY, no health change)
 * and a new one starts on the same port ten seconds later. A caller should see no failure (the
 * stable variant can answer every call), and the canary should take its share again soon after it
 * is back.
 */
final class Kill9Canary implements Scenario.Script {
  private static final OpenLoop LOAD = OpenLoop.withoutDeadline(500, 40);
  private static final double KILL_AT = 5;
  private static final double RESTART_AT = 15;
  private static final double RECOVERED_SHARE = 0.05;
  private static final double RECOVERY_GOAL_SECONDS = 30;

  static final String DESCRIPTION =
      "Model servers A (digits v1, `stable`, weight 90) and B (digits v2, `canary`, weight"
          + " 10); "
          + LOAD.describe()
          + ", no deadline, after a 10 s warm-up ramp; B gets SIGKILL at t="
          + fixed(KILL_AT, 0)
          + " s and a new B starts on the same port at t="
          + fixed(RESTART_AT, 0)
          + " s. Goals: no failed call; canary ≥ 5% of a second's calls again within "
          + fixed(RECOVERY_GOAL_SECONDS, 0)
          + " s of the restart.";

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    Fleet.Canary canary = fleet.canary();
    ChildProcess b = canary.b();
    String target = canary.gateway().address();
    byte[] body = DigitsRequests.valid().toByteArray();

    LOAD.warmUp(target, body, fleet.progress());
    long origin = OpenLoopPhase.origin(0);
    CallTally tally = new CallTally(origin);
    List<String> events = new ArrayList<>();
    AtomicReference<Double> listeningAgainAt = new AtomicReference<>();
    try (FaultSchedule faults = new FaultSchedule(origin)) {
      faults.at(
          KILL_AT,
          () -> {
            b.kill();
            events.add(fixed(faults.now(), 2) + " s: B (pid " + b.pid() + ") killed with SIGKILL");
            fleet.progress().printf("  t=%.2f s: B killed%n", faults.now());
            return null;
          });
      faults.at(
          RESTART_AT,
          () -> {
            events.add(fixed(faults.now(), 2) + " s: new B started on port " + b.port());
            restart(fleet, b.port(), events, faults);
            listeningAgainAt.set(faults.now());
            events.add(fixed(faults.now(), 2) + " s: new B listening");
            fleet.progress().printf("  t=%.2f s: B listening again%n", faults.now());
            return null;
          });
      fleet.progress().printf("  %s calls/s for %s s%n", LOAD.rate(), LOAD.seconds());
      OpenLoopPhase.run(target, body, LOAD.rate(), origin, 0, LOAD.seconds(), 0, tally);
      faults.awaitAll();
    }

    CallTally.Summary summary = tally.summary();
    List<Timeline.Second> seconds = summary.seconds();
    int firstFailure = Timeline.firstSecond(seconds, 0, s -> s.failed() > 0);
    int lastFailure = Timeline.lastSecond(seconds, s -> s.failed() > 0);
    int canaryGone =
        Timeline.firstSecond(
            seconds, (int) KILL_AT, s -> s.calls() > 0 && s.variant("canary") == 0);
    int recovered =
        Timeline.firstSecond(
            seconds, (int) Math.ceil(RESTART_AT), s -> s.share("canary") >= RECOVERED_SHARE);
    // Second s holds the calls sent in [s, s+1): the canary had its share by the end of it.
    double recoverySeconds = recovered < 0 ? Double.NaN : recovered + 1 - RESTART_AT;

    StringBuilder out = new StringBuilder();
    out.append(TallyTables.wholeRun(LOAD.seconds(), summary));
    out.append("\nEvents (t from the start of the measured load):\n\n");
    out.append(TallyTables.bullets(events));
    out.append("- failed calls sent from second ")
        .append(firstFailure < 0 ? "-" : Integer.toString(firstFailure))
        .append(" to second ")
        .append(lastFailure < 0 ? "-" : Integer.toString(lastFailure))
        .append('\n');
    out.append("- canary answered no call of a second from second ")
        .append(canaryGone < 0 ? "- (never)" : Integer.toString(canaryGone))
        .append('\n');
    out.append("- canary ≥ 5% of a second's calls again: ")
        .append(
            recovered < 0
                ? "not within the run ("
                    + fixed(LOAD.seconds() - RESTART_AT, 0)
                    + " s after the restart)"
                : "second "
                    + recovered
                    + ", i.e. within "
                    + fixed(recoverySeconds, 0)
                    + " s of the restart"
                    + (listeningAgainAt.get() == null
                        ? ""
                        : " ("
                            + fixed(recovered + 1 - listeningAgainAt.get(), 1)
                            + " s after the new B listened)"))
        .append('\n');
    out.append(TallyTables.perSecondSection(seconds, List.of("stable", "canary")));

    return new Outcome(
        out.toString(),
        List.of(
            TallyTables.noFailedCalls("failed calls = 0", summary, 0),
            new Outcome.Goal(
                "canary ≥ 5% again ≤ " + fixed(RECOVERY_GOAL_SECONDS, 0) + " s after restart",
                recovered < 0
                    ? "not within " + fixed(LOAD.seconds() - RESTART_AT, 0) + " s"
                    : fixed(recoverySeconds, 0) + " s",
                recovered >= 0 && recoverySeconds <= RECOVERY_GOAL_SECONDS)));
  }

  /**
   * Starts the new B on the old port; the kernel may hold the port a moment after a SIGKILL, so a
   * start that fails is tried again for up to 20 s.
   */
  private static void restart(Fleet fleet, int port, List<String> events, FaultSchedule faults)
      throws IOException, InterruptedException {
    long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        fleet.modelServer("B-restarted-" + attempt, 2, port);
        return;
      } catch (IOException e) {
        events.add(
            fixed(faults.now(), 2) + " s: restart attempt " + attempt + " failed: " + firstLine(e));
        if (System.nanoTime() > giveUp) {
          throw e;
        }
      }
    }
  }

  private static String firstLine(IOException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
