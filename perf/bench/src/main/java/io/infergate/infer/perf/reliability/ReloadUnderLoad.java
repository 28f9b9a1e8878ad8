package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's file is rewritten every 2 s while large calls are in flight, each rewrite moving
 * the variant to another pair of endpoints (so channels are added and drained every time); then a
 * file the gateway must refuse, then a good one. No call may fail, the refused file must be refused
 * (logged) while the routes in force keep serving, and the good file must take effect.
 */
final class ReloadUnderLoad implements Scenario.Script {
  private static final int CALLERS = 16;
  private static final int BODY_BYTES = 1 << 20;

  /**
   * Each caller waits this long after an answer: 1 MB calls back to back would spend the small
   * machine's cores copying bytes; this keeps about 16 calls of 1 MB in flight or pausing.
   */
  private static final long PAUSE_MILLIS = 100;

  private static final int REWRITE_EVERY_SECONDS = 2;
  private static final int REFUSED_AT = 20;
  private static final int GOOD_AT = 25;
  private static final int SECONDS = 30;

  /** Seconds after the good file is written by which every answer must come from it. */
  private static final int APPLY_GRACE_SECONDS = 2;

  /** The model servers, each serving digits v2; the file cycles through pairs of them. */
  private static final List<String> SERVERS = List.of("A1", "A2", "A3");

  private static final List<List<String>> PAIRS =
      List.of(List.of("A1", "A2"), List.of("A2", "A3"), List.of("A1", "A3"));

  static final String DESCRIPTION =
      "`stable` on [A1, A2] (digits v2 each); "
          + CALLERS
          + " closed-loop callers send ~1 MB ModelInfer bodies (a valid digit plus a 1 MB string"
          + " parameter the model server ignores), pausing "
          + PAUSE_MILLIS
          + " ms between calls, for "
          + SECONDS
          + " s. The file is replaced (written beside it, renamed over it) every "
          + REWRITE_EVERY_SECONDS
          + " s until t="
          + REFUSED_AT
          + " s, cycling the endpoints [A1,A2] → [A2,A3] → [A1,A3]; at t="
          + REFUSED_AT
          + " s a file with `drainTimeout: 999999999999999999m`; at t="
          + GOOD_AT
          + " s a good file whose variant `stable-a3` has A3 alone. Goals: no failed call; the"
          + " refused file is logged as refused and calls keep succeeding; the good file is"
          + " applied (its variant answers every call within "
          + APPLY_GRACE_SECONDS
          + " s).";

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    List<ChildProcess> servers = new ArrayList<>();
    Map<String, String> addresses = new HashMap<>();
    for (String name : SERVERS) {
      ChildProcess server = fleet.modelServer(name, 2, 0);
      servers.add(server);
      addresses.put(name, server.address());
    }
    ChildProcess gateway = fleet.gateway("gateway", pair(0, addresses));
    byte[] body = DigitsRequests.padded(BODY_BYTES).toByteArray();

    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<String> refusal = Collections.synchronizedList(new ArrayList<>());
    long[] ticksAtGood = new long[servers.size()];
    long origin = System.nanoTime();
    CallTally tally = new CallTally(origin);
    int unfinished;
    try (FaultSchedule faults = new FaultSchedule(origin);
        ClosedLoopCallers callers =
            new ClosedLoopCallers(
                gateway.address(), body, 0, TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS))) {
      for (int at = REWRITE_EVERY_SECONDS, k = 1;
          at < REFUSED_AT;
          at += REWRITE_EVERY_SECONDS, k++) {
        int index = k;
        faults.at(
            at,
            () -> {
              fleet.rewriteConfig("gateway", pair(index, addresses));
              events.add(
                  fixed(faults.now(), 2) + " s: endpoints " + PAIRS.get(index % PAIRS.size()));
              return null;
            });
      }
      int[] linesBefore = new int[1];
      faults.at(
          REFUSED_AT,
          () -> {
            linesBefore[0] = Files.readAllLines(gateway.log(), UTF_8).size();
            fleet.rewriteConfig(
                "gateway", GatewayConfigs.render(GatewayConfigs.RELOAD_REFUSED, addresses));
            events.add(fixed(faults.now(), 2) + " s: file with drainTimeout 999999999999999999m");
            return null;
          });
      faults.at(
          GOOD_AT,
          () -> {
            refusal.addAll(newLines(gateway.log(), linesBefore[0]));
            for (int i = 0; i < servers.size(); i++) {
              ticksAtGood[i] = ProcStat.read(servers.get(i).pid()).cpuTicks();
            }
            fleet.rewriteConfig(
                "gateway", GatewayConfigs.render(GatewayConfigs.RELOAD_AFTER_REFUSED, addresses));
            events.add(fixed(faults.now(), 2) + " s: good file, variant stable-a3 on [A3]");
            return null;
          });
      fleet.progress().printf("  %d callers, 1 MB bodies, for %d s%n", CALLERS, SECONDS);
      unfinished =
          callers.run(
              tally, CALLERS, TimeUnit.SECONDS.toNanos(SECONDS), TimeUnit.SECONDS.toNanos(15));
      faults.awaitAll();
    }
    double[] cpuAfterGood = new double[servers.size()];
    for (int i = 0; i < servers.size(); i++) {
      cpuAfterGood[i] = seconds(ProcStat.read(servers.get(i).pid()).cpuTicks() - ticksAtGood[i]);
    }
    List<String> log = Files.readAllLines(gateway.log(), UTF_8);
    long reloaded = log.stream().filter(line -> line.contains("Config reloaded")).count();
    // The refusal is a WARN (or, for an unexpected failure, an ERROR) whose problems follow on
    // the next lines, one per key.
    List<String> refusedLines = new ArrayList<>();
    for (int i = 0; i < refusal.size(); i++) {
      String line = refusal.get(i);
      if (line.contains("Config reload")
          && (line.contains("rejected") || line.contains("failed"))) {
        refusedLines.add(line.strip());
        if (i + 1 < refusal.size() && refusal.get(i + 1).startsWith(" ")) {
          refusedLines.add(refusal.get(i + 1).strip());
        }
        break;
      }
    }
    boolean refusedNamesKey = refusedLines.stream().anyMatch(line -> line.contains("drainTimeout"));

    CallTally.Summary summary = tally.summary();
    List<Timeline.Second> seconds = summary.seconds();
    long okWhileRefused = 0;
    long failedWhileRefused = 0;
    long answersAfterGrace = 0;
    long fromGoodAfterGrace = 0;
    for (Timeline.Second second : seconds) {
      if (second.second() >= REFUSED_AT && second.second() < GOOD_AT) {
        okWhileRefused += second.count(io.grpc.Status.Code.OK);
        failedWhileRefused += second.failed();
      }
      if (second.second() >= GOOD_AT + APPLY_GRACE_SECONDS && second.second() < SECONDS) {
        answersAfterGrace += second.calls();
        fromGoodAfterGrace += second.variant("stable-a3");
      }
    }
    int firstGood = Timeline.firstSecond(seconds, 0, s -> s.variant("stable-a3") > 0);

    StringBuilder out = new StringBuilder();
    out.append(TallyTables.wholeRun(SECONDS, summary));
    if (unfinished > 0) {
      out.append("- ").append(unfinished).append(" calls still running after a 15 s drain\n");
    }
    out.append("\nEvents:\n\n").append(TallyTables.bullets(events));
    out.append("- `Config reloaded` lines in the gateway's log: ").append(reloaded).append('\n');
    out.append("- the gateway's log after the refused file: ")
        .append(
            refusedLines.isEmpty()
                ? "no refusal logged"
                : "`" + String.join(" ", refusedLines).replace('`', '\'') + "`")
        .append('\n');
    out.append("- first second with an answer from `stable-a3`: ")
        .append(firstGood < 0 ? "none" : Integer.toString(firstGood))
        .append("; model servers' CPU after the good file (A1 / A2 / A3): ")
        .append(fixed(cpuAfterGood[0], 2))
        .append(" / ")
        .append(fixed(cpuAfterGood[1], 2))
        .append(" / ")
        .append(fixed(cpuAfterGood[2], 2))
        .append(" s\n");
    out.append(TallyTables.perSecondSection(seconds, List.of("stable", "stable-a3")));
    return new Outcome(
        out.toString(),
        List.of(
            TallyTables.noFailedCalls("failed calls = 0", summary, unfinished),
            new Outcome.Goal(
                "bad drainTimeout refused (logged), calls still served",
                (refusedLines.isEmpty()
                        ? "no refusal logged"
                        : "refused" + (refusedNamesKey ? ", naming drainTimeout" : ""))
                    + "; t="
                    + REFUSED_AT
                    + "–"
                    + GOOD_AT
                    + " s: "
                    + okWhileRefused
                    + " OK, "
                    + failedWhileRefused
                    + " failed",
                !refusedLines.isEmpty() && okWhileRefused > 0 && failedWhileRefused == 0),
            new Outcome.Goal(
                "good file applied: stable-a3 (A3) answers all from t="
                    + (GOOD_AT + APPLY_GRACE_SECONDS)
                    + " s",
                fromGoodAfterGrace + " of " + answersAfterGrace,
                answersAfterGrace > 0 && fromGoodAfterGrace == answersAfterGrace)));
  }

  private static String pair(int index, Map<String, String> addresses) {
    List<String> pair = PAIRS.get(index % PAIRS.size());
    return GatewayConfigs.render(
        GatewayConfigs.RELOAD,
        Map.of("FIRST", addresses.get(pair.get(0)), "SECOND", addresses.get(pair.get(1))));
  }

  private static List<String> newLines(Path log, int skip) throws IOException {
    List<String> lines = Files.readAllLines(log, UTF_8);
    return lines.subList(Math.min(skip, lines.size()), lines.size());
  }

  private static double seconds(long ticks) {
    return (double) ticks / ProcStat.TICKS_PER_SECOND;
  }
}
