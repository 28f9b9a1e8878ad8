package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;

import java.util.List;
import java.util.Map;

/**
 * Nothing listens behind either variant: every call must fail, and fail fast with a status that
 * says why, rather than wait or pile up.
 */
final class AllDown implements Scenario.Script {
  private static final OpenLoop LOAD = OpenLoop.withoutDeadline(500, 10);
  private static final double P99_GOAL_MILLIS = 10;

  static final String DESCRIPTION =
      "`stable` (weight 90) and `canary` (weight 10) each on a port with nothing listening; "
          + LOAD.describe()
          + " after a 10 s warm-up ramp of the same calls, no deadline. Goal: p99 < "
          + fixed(P99_GOAL_MILLIS, 0)
          + " ms (every call fails; the codes and a sample message are reported). Backend"
          + " connection attempts are not counted: a refused connection leaves no trace a user"
          + " process can read without packet capture.";

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    var gateway =
        fleet.gateway(
            GatewayConfigs.CANARY, Map.of("A", Fleet.deadAddress(), "B", Fleet.deadAddress()));
    fleet.progress().printf("  %s calls/s for %s s%n", LOAD.rate(), LOAD.seconds());
    byte[] body = DigitsRequests.valid().toByteArray();
    LOAD.warmUp(gateway.address(), body, fleet.progress());
    CallTally.Summary summary = LOAD.measure(gateway.address(), body);
    double p99 = summary.allMillis(99);
    String out =
        TallyTables.wholeRun(LOAD.seconds(), summary)
            + TallyTables.perSecondSection(summary.seconds(), List.of("stable", "canary"));
    return new Outcome(
        out,
        List.of(
            new Outcome.Goal(
                "p99 < " + fixed(P99_GOAL_MILLIS, 0) + " ms (all calls fail)",
                fixed(p99, 2) + " ms; " + TallyTables.failures(summary),
                p99 < P99_GOAL_MILLIS)));
  }
}
