package io.infergate.infer.gateway.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.infergate.infer.proto.admin.v1.AuditEntry;
import io.infergate.infer.proto.admin.v1.GetHistoryResponse;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.LiveFigures;
import io.infergate.infer.proto.admin.v1.RampState;
import io.infergate.infer.proto.admin.v1.RouteState;
import io.infergate.infer.proto.admin.v1.VariantState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tables people read: aligned columns, no trailing spaces, "-" for what is not known. */
class TablesTest {
  private static final Timestamp NOON = Timestamp.newBuilder().setSeconds(1_767_268_800L).build();

  @Test
  void columnsAreAsWideAsTheirWidestCellAndTwoSpacesApart() {
    String table =
        new Table("A", "LONGER", "C").row("wide cell", "x", "").row("y", "z", "3").render();

    assertThat(table)
        .isEqualTo(
            """
            A          LONGER  C
            wide cell  x
            y          z       3
            """);
  }

  @Test
  void aRowOfTheWrongWidthIsRefused() {
    assertThatThrownBy(() -> new Table("A", "B").row("only one"))
        .hasMessage("cells: [only one] (expected: 2 of them)");
  }

  @Test
  void routesShowWeightsLiveFiguresAndTheRamp() {
    GetRoutesResponse routes =
        GetRoutesResponse.newBuilder()
            .setRevision(7)
            .addRoutes(
                RouteState.newBuilder()
                    .setModel("digits")
                    .setWeightsFromApi(true)
                    .addVariants(
                        VariantState.newBuilder()
                            .setName("v1")
                            .setWeight(75)
                            .addAllEndpoints(List.of("10.0.0.1:8500", "10.0.0.2:8500"))
                            .setBreaker("CLOSED")
                            .setLive(
                                LiveFigures.newBuilder()
                                    .setCalls(3753)
                                    .setCallsPerSecond(375.25)
                                    .setBackendFailureRate(0.0012)
                                    .setP50Ms(1.25)
                                    .setP99Ms(9.5)))
                    .addVariants(
                        VariantState.newBuilder()
                            .setName("v2")
                            .setWeight(25)
                            .addEndpoints("10.0.0.3:8500")
                            .setLive(LiveFigures.newBuilder().setCalls(0)))
                    .setRamp(
                        RampState.newBuilder()
                            .setCanary("v2")
                            .setStable("v1")
                            .addAllSteps(List.of(1, 5, 25, 50, 100))
                            .setStep(2)
                            .setPhase(RampState.Phase.RUNNING)
                            .setHold(Duration.newBuilder().setSeconds(60))
                            .setStepSince(NOON)))
            .build();

    assertThat(Tables.routes(routes))
        .isEqualTo(
            """
            revision 7
            MODEL   VARIANT  WEIGHT  FROM  ENDPOINTS                    CALLS/S  FAILED  P50_MS  P99_MS  BREAKER
            digits  v1       75      api   10.0.0.1:8500,10.0.0.2:8500  375.3    0.12%   1.3     9.5     CLOSED
            digits  v2       25      api   10.0.0.3:8500                -        -       -       -       -
            ramp digits: v2 over v1 RUNNING step 3/5 (25%) hold 1m0s since 2026-01-01T12:00:00Z
            """);
  }

  @Test
  void historyShowsWhoChangedWhichWeightsAndTheFiguresOfARollback() {
    GetHistoryResponse history =
        GetHistoryResponse.newBuilder()
            .addEntries(
                digitsAtNoon(8, "alice", "SetWeights", Map.of("v1", 100, "v2", 0))
                    .putAllAfter(Map.of("v1", 90, "v2", 10))
                    .setReason("canary to 10%"))
            .addEntries(
                digitsAtNoon(9, "gateway", "gate-rollback", Map.of("v1", 90, "v2", 10))
                    .putAllAfter(Map.of("v1", 100, "v2", 0))
                    .putFigures("canary_failure_rate", 0.48))
            .build();

    assertThat(Tables.history(history))
        .isEqualTo(
            """
            TIME                  REVISION  MODEL   WHO      ACTION         WEIGHTS              REASON
            2026-01-01T12:00:00Z  8         digits  alice    SetWeights     v1 100->90 v2 0->10  canary to 10%
            2026-01-01T12:00:00Z  9         digits  gateway  gate-rollback  v1 90->100 v2 10->0  [canary_failure_rate=0.480]
            """);
  }

  @Test
  void aWeightChangeShowsUnchangedAndNewVariantsOnce() {
    assertThat(Tables.weightChange(Map.of("a", 1, "b", 2), Map.of("a", 1, "b", 3)))
        .isEqualTo("a 1 b 2->3");
    assertThat(Tables.weightChange(Map.of(), Map.of("a", 100, "b", 0))).isEqualTo("a 100 b 0");
  }

  /** An audit entry of model {@code digits} at noon, from the weights {@code before}. */
  private static AuditEntry.Builder digitsAtNoon(
      long revision, String identity, String action, Map<String, Integer> before) {
    return AuditEntry.newBuilder()
        .setTime(NOON)
        .setRevision(revision)
        .setModel("digits")
        .setIdentity(identity)
        .setAction(action)
        .putAllBefore(before);
  }
}
