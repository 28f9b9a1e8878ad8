package io.infergate.infer.perf.reliability;

import io.infergate.infer.perf.kit.ChildProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of a variant's two endpoints has nothing listening from the start (a typo, a host that is
 * gone): the other can serve every call, so no caller should see the dead one, whichever balance
 * policy spreads the calls.
 */
final class DeadEndpoint implements Scenario.Script {
  private static final List<String> POLICIES = List.of("round_robin", "least_outstanding");
  private static final int CALLERS = 16;
  private static final long SECONDS = 10;

  static final String DESCRIPTION =
      "Variant `stable` with endpoints [A (digits v2), a port with nothing listening]; for"
          + " each balance policy ("
          + String.join(", ", POLICIES)
          + ") a fresh gateway and "
          + CALLERS
          + " closed-loop callers for "
          + SECONDS
          + " s, no deadline. Goal: no failed call.";

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    ChildProcess a = fleet.modelServer("A", 2, 0);
    String dead = Fleet.deadAddress();
    byte[] body = DigitsRequests.valid().toByteArray();
    List<String> phases = new ArrayList<>();
    List<CallTally.Summary> summaries = new ArrayList<>();
    List<Outcome.Goal> goals = new ArrayList<>();
    StringBuilder notes = new StringBuilder();
    for (String policy : POLICIES) {
      ChildProcess gateway =
          fleet.gateway(
              "gateway-" + policy,
              GatewayConfigs.render(
                  GatewayConfigs.DEAD_ENDPOINT,
                  Map.of("A", a.address(), "DEAD", dead, "BALANCE", policy)));
      fleet.progress().printf("  %s: %d callers for %d s%n", policy, CALLERS, SECONDS);
      CallTally tally = new CallTally(System.nanoTime());
      int unfinished;
      try (ClosedLoopCallers callers = new ClosedLoopCallers(gateway.address(), body, 0, 0)) {
        unfinished =
            callers.run(
                tally, CALLERS, TimeUnit.SECONDS.toNanos(SECONDS), TimeUnit.SECONDS.toNanos(10));
      }
      fleet.stop(gateway);
      CallTally.Summary summary = tally.summary();
      phases.add("`" + policy + "`");
      summaries.add(summary);
      String descriptions = TallyTables.descriptions(summary);
      if (!descriptions.isEmpty() || unfinished > 0) {
        notes.append("\n`").append(policy).append("`:\n\n").append(descriptions);
        if (unfinished > 0) {
          notes.append("- ").append(unfinished).append(" calls still running after a 10 s drain\n");
        }
      }
      goals.add(
          TallyTables.noFailedCalls("`" + policy + "`: failed calls = 0", summary, unfinished));
    }
    return new Outcome(TallyTables.summary(phases, summaries) + notes, goals);
  }
}
