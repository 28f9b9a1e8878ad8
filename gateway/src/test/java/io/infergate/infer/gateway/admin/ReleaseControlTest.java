package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.AdminCalls.weights;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusException;
import io.infergate.infer.gateway.admin.LiveVariants.LiveVariant;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.gateway.testing.Configs;
import io.infergate.infer.router.RoutingTable;
import io.infergate.infer.router.release.Gates;
import io.infergate.infer.router.release.Ramp;
import io.infergate.infer.router.release.Ramp.Phase;
import io.infergate.infer.router.release.RampPlan;
import io.infergate.infer.router.release.WindowFigures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Release control's ticks on a clock and figures the test sets: no sockets, no waiting. */
class ReleaseControlTest {
  private static final Identity ALICE = new Identity("alice", Role.OPERATOR);
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final long MS = 1_000_000;

  /** Stable as a healthy ramp sees it: a thousand calls, none failed, a median of 10 ms. */
  private static final LiveVariant STABLE = new LiveVariant(figures(1000, 0, 10), "CLOSED");

  @TempDir Path dir;

  private final TestClock clock = new TestClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final Map<String, LiveVariant> seen = new HashMap<>();

  @Test
  void aRampWhoseFirstStepIsTheFilesWeightsSurvivesARestart() throws Exception {
    RoutingTable<Rewrite> file = routes(99, 1);
    ReleaseControl first = open(file);
    first.startRamp(ALICE, "digits", plan(List.of(1, 50, 100)), 1, "");
    first.close();

    ReleaseControl second = open(file);

    assertThat(second.snapshot().ramps().get("digits").phase()).isEqualTo(Phase.RUNNING);
    second.close();
  }

  @Test
  void aRestartStartsTheStepsHoldOver() throws Exception {
    RoutingTable<Rewrite> file = routes(100, 0);
    ReleaseControl first = open(file);
    first.startRamp(ALICE, "digits", plan(List.of(10, 100)), 1, "");
    first.close();
    clock.advance(Duration.ofMinutes(5));
    ReleaseControl second = open(file);
    healthy();

    second.tick();

    assertThat(second.snapshot().ramps().get("digits").step()).as("held 0 s since").isZero();
    clock.advance(Duration.ofSeconds(60));
    second.tick();
    assertThat(second.snapshot().ramps().get("digits").step()).isEqualTo(1);
    second.close();
  }

  @Test
  void aCanaryWhoseBreakerIsOpenIsRolledBackAfterThreeJudgements() throws Exception {
    ReleaseControl control = rampStarted(List.of(10, 100));
    // Rejected by its open breaker, the canary answers nothing: its window alone looks quiet.
    saw(STABLE, new LiveVariant(WindowFigures.none(WINDOW), "OPEN"));

    control.tick();
    control.tick();
    assertThat(control.snapshot().ramps().get("digits").phase()).isEqualTo(Phase.RUNNING);
    control.tick();

    Ramp ramp = control.snapshot().ramps().get("digits");
    assertThat(ramp.phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(ramp.detail()).isEqualTo("the canary's circuit breaker is OPEN");
    assertThat(weights(control.routes().route("digits")))
        .isEqualTo(Map.of("stable", 100, "canary", 0));
    control.close();
  }

  @Test
  void breachesCountedAgainstOneRampDoNotCarryIntoTheNext() throws Exception {
    ReleaseControl control = rampStarted(List.of(10, 100));
    saw(STABLE, new LiveVariant(figures(100, 50, 10), "CLOSED"));
    control.tick();
    control.tick();
    long revision = control.abortRamp(ALICE, "digits", 2, "").revision();

    control.startRamp(ALICE, "digits", plan(List.of(10, 100)), revision, "again");
    control.tick();

    assertThat(control.snapshot().ramps().get("digits").phase()).isEqualTo(Phase.RUNNING);
    control.close();
  }

  @Test
  void atTheLastStepTheCanaryIsJudgedAgainstStableAsLastSeen() throws Exception {
    ReleaseControl control = rampStarted(List.of(50, 100));
    healthy();
    control.tick();
    clock.advance(Duration.ofSeconds(60));
    control.tick();
    assertThat(control.snapshot().ramps().get("digits").canaryWeight()).isEqualTo(100);

    // Stable now takes no calls; the canary's median triples.
    saw(
        new LiveVariant(WindowFigures.none(WINDOW), "CLOSED"),
        new LiveVariant(figures(1000, 0, 30), "CLOSED"));
    control.tick();
    control.tick();
    control.tick();

    assertThat(control.snapshot().ramps().get("digits").phase()).isEqualTo(Phase.ROLLED_BACK);
    control.close();
  }

  @Test
  void aRouteTheFileDropsIsAudited() throws Exception {
    RoutingTable<Rewrite> two =
        Configs.load(
                dir,
                """
                    routes:
                      - model: digits
                        variants: [{name: stable, weight: 1, endpoints: ["127.0.0.1:1"]}]
                      - model: letters
                        variants: [{name: stable, weight: 1, endpoints: ["127.0.0.1:2"]}]
                    """)
            .routes();
    ReleaseControl control = open(two);

    control.fileChanged(routes(100, 0), table -> {});

    AuditRecord last = control.history("letters", 1).get(0);
    assertThat(last.identity()).isEqualTo(ReleaseControl.CONFIG_FILE);
    assertThat(last.before()).isEqualTo(Map.of("stable", 1));
    assertThat(last.after()).isEmpty();
    control.close();
  }

  private ReleaseControl open(RoutingTable<Rewrite> file) {
    ReleaseControl control = ReleaseControl.open(dir.resolve("state"), file, clock);
    control.attach(table -> {}, (model, variant, window) -> seen.get(variant), false);
    return control;
  }

  /** Opens release control on the file's 100/0 split and starts a ramp through {@code steps}. */
  private ReleaseControl rampStarted(List<Integer> steps) throws StatusException {
    ReleaseControl control = open(routes(100, 0));
    control.startRamp(ALICE, "digits", plan(steps), 1, "");
    return control;
  }

  private void healthy() {
    saw(STABLE, new LiveVariant(figures(100, 0, 10), "CLOSED"));
  }

  /** What the gateway saw of each variant in its last window. */
  private void saw(LiveVariant stable, LiveVariant canary) {
    seen.put("stable", stable);
    seen.put("canary", canary);
  }

  private static WindowFigures figures(long calls, long failures, long p50Ms) {
    return new WindowFigures(WINDOW, calls, failures, 0, p50Ms * MS, 2 * p50Ms * MS);
  }

  private static RampPlan plan(List<Integer> steps) {
    return new RampPlan("canary", "stable", steps, Duration.ofSeconds(60), Gates.DEFAULT);
  }

  private RoutingTable<Rewrite> routes(int stable, int canary) {
    GatewayConfig config =
        Configs.load(
            dir,
            """
                routes:
                  - model: digits
                    variants:
                      - {name: stable, weight: %d, endpoints: ["127.0.0.1:1"]}
                      - {name: canary, weight: %d, endpoints: ["127.0.0.1:2"]}
                """
                .formatted(stable, canary));
    return config.routes();
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
