package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;

import io.grpc.Status;
import java.util.List;

/**
 * A flood of requests that are the caller's fault (valid protobuf, wrong tensor shape): each must
 * get the model server's INVALID_ARGUMENT unchanged, and none may count against a backend's health,
 * so valid calls right after are all answered, by both variants.
 */
final class InvalidArgument implements Scenario.Script {
  private static final int INVALID_CALLS = 10_000;

  /** The invalid calls: exactly {@link #INVALID_CALLS} intended ones. */
  private static final OpenLoop INVALID = OpenLoop.withoutDeadline(500, INVALID_CALLS / 500.0);

  /** The valid calls right after, at the same rate. */
  private static final OpenLoop VALID = OpenLoop.withoutDeadline(INVALID.rate(), 5);

  static final String DESCRIPTION =
      "`stable` = A (digits v1, weight 90), `canary` = B (digits v2, weight 10); after a"
          + " 10 s warm-up ramp of valid calls, "
          + INVALID_CALLS
          + " ModelInfer calls with input shape [1,3] (the model takes [-1,64]) at "
          + fixed(INVALID.rate(), 0)
          + " calls/s, then "
          + fixed(VALID.seconds(), 0)
          + " s of valid calls. Goals: every invalid call gets INVALID_ARGUMENT; every valid call"
          + " after succeeds, and both variants answer some (no breaker opened, no endpoint"
          + " ejected).";

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    String target = fleet.canary().gateway().address();
    byte[] validBody = DigitsRequests.valid().toByteArray();
    VALID.warmUp(target, validBody, fleet.progress());
    fleet.progress().printf("  %d invalid calls at %s calls/s%n", INVALID_CALLS, INVALID.rate());
    // No warm-up of its own: the measured window holds exactly INVALID_CALLS intended calls.
    CallTally.Summary bad = INVALID.measure(target, DigitsRequests.wrongShape().toByteArray());

    fleet.progress().printf("  valid calls for %s s%n", VALID.seconds());
    CallTally.Summary good = VALID.measure(target, validBody);
    long invalidArgument = bad.count(Status.Code.INVALID_ARGUMENT);
    StringBuilder out = new StringBuilder();
    out.append(
        TallyTables.summary(
            List.of("invalid (shape [1,3])", "valid, right after"), List.of(bad, good)));
    out.append("\nInvalid phase:\n\n").append(TallyTables.descriptions(bad));
    out.append("\nInvalid phase per second sent:\n\n")
        .append(TallyTables.perSecond(bad.seconds(), List.of("stable", "canary")));
    if (good.failed() > 0) {
      out.append("\nValid phase:\n\n").append(TallyTables.descriptions(good));
    }
    out.append("\nValid phase per second sent:\n\n")
        .append(TallyTables.perSecond(good.seconds(), List.of("stable", "canary")));
    return new Outcome(
        out.toString(),
        List.of(
            new Outcome.Goal(
                "INVALID_ARGUMENT for all " + INVALID_CALLS + " invalid calls",
                invalidArgument + " of " + (bad.calls() + bad.notSent()),
                invalidArgument == INVALID_CALLS && bad.calls() + bad.notSent() == INVALID_CALLS),
            new Outcome.Goal(
                "then every valid call OK, both variants answer",
                TallyTables.failures(good)
                    + " failed; stable "
                    + good.variant("stable")
                    + ", canary "
                    + good.variant("canary"),
                good.failed() == 0
                    && good.calls() > 0
                    && good.variant("stable") > 0
                    && good.variant("canary") > 0)));
  }
}
