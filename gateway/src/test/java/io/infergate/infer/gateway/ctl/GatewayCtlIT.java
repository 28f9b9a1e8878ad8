package io.infergate.infer.gateway.ctl;

import static io.infergate.infer.gateway.ctl.AdminGateway.OPERATOR;
import static io.infergate.infer.gateway.ctl.AdminGateway.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.gateway.testing.TestBed;
import io.infergate.infer.gateway.testing.Transport;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.VariantState;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * gatewayctl's entry point, in-process, against a real gateway's admin port: what it prints, what
 * it changes (read back with the generated stub), and its exit code for each kind of failure.
 */
class GatewayCtlIT {
  @TempDir Path dir;
  @RegisterExtension final TestBed bed = new TestBed(Transport.loopback());

  private AdminGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = new AdminGateway(bed, dir);
  }

  @Test
  void getShowsTheRevisionAndEachVariantsWeightAndEndpoint() {
    long revision = routes().getRevision();

    CtlRun run =
        gw.ctl("get", "--admin", gw.address(), "--token-file", gw.viewerTokenFile.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines()).first().isEqualTo("revision " + revision);
    assertThat(run.out().lines())
        .anySatisfy(
            line ->
                assertThat(line.split(" +"))
                    .startsWith("digits", "v1", "100", "file", gw.v1.endpoint().toString()))
        .anySatisfy(
            line ->
                assertThat(line.split(" +"))
                    .startsWith("digits", "v2", "0", "file", gw.v2.endpoint().toString()));
  }

  @Test
  void setWeightsChangesTheRouteOnTheRevisionItReadAndRecordsTheReason() {
    long revision = routes().getRevision();

    CtlRun run =
        gw.ctl(
            "set-weights",
            "digits",
            "v1=90",
            "v2=10",
            "--reason",
            "canary to 10%",
            "--admin",
            gw.address(),
            "--token-file",
            gw.operatorTokenFile.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("digits: revision " + (revision + 1) + "\n");
    GetRoutesResponse after = routes();
    assertThat(after.getRevision()).isEqualTo(revision + 1);
    assertThat(weights(after)).isEqualTo(Map.of("v1", 90, "v2", 10));
    assertThat(after.getRoutes(0).getWeightsFromApi()).isTrue();
  }

  @Test
  void aStaleBasedOnExitsWithFourNamingTheCurrentRevision() {
    long revision = routes().getRevision();
    assertThat(operator("set-weights", "digits", "v2=1").exit()).isZero();

    CtlRun stale = operator("set-weights", "digits", "v2=2", "--based-on", Long.toString(revision));

    assertThat(stale.exit()).as(stale.toString()).isEqualTo(4);
    assertThat(stale.err())
        .isEqualTo(
            "gatewayctl: FAILED_PRECONDITION: based_on_revision: "
                + revision
                + " is stale (current revision: "
                + (revision + 1)
                + ")\n");
    assertThat(weights(routes())).isEqualTo(Map.of("v1", 100, "v2", 1));
  }

  @Test
  void aViewerSettingWeightsExitsWithThree() {
    CtlRun run =
        gw.ctl(
            "set-weights",
            "digits",
            "v2=50",
            "--admin",
            gw.address(),
            "--token-file",
            gw.viewerTokenFile.toString());

    assertThat(run.exit()).as(run.toString()).isEqualTo(3);
    assertThat(run.err()).startsWith("gatewayctl: PERMISSION_DENIED").doesNotContain("\n\n");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(weights(routes())).isEqualTo(Map.of("v1", 100, "v2", 0));
  }

  @Test
  void noTokenExitsWithThree() {
    CtlRun run = gw.ctl("get", "--admin", gw.address());

    assertThat(run.exit()).as(run.toString()).isEqualTo(3);
    assertThat(run.err()).startsWith("gatewayctl: UNAUTHENTICATED");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void connectionFlagsGoBeforeOrAfterTheCommandsName() {
    CtlRun before =
        gw.ctl(
            "--admin",
            gw.address(),
            "--token-file",
            gw.viewerTokenFile.toString(),
            "-o",
            "json",
            "get");
    CtlRun after =
        gw.ctl(
            "get",
            "--admin",
            gw.address(),
            "--token-file",
            gw.viewerTokenFile.toString(),
            "-o",
            "json");

    assertThat(before.exit()).as(before.toString()).isZero();
    assertThat(before.out()).startsWith("{").isEqualTo(after.out());
  }

  @Test
  void theEnvironmentNamesTheAdminPortAndTheToken() {
    CtlRun run =
        CtlRun.of(Map.of("GATEWAYCTL_ADMIN", gw.address(), "GATEWAYCTL_TOKEN", VIEWER), "get");

    assertThat(run.exit()).as(run.toString()).isZero();
  }

  @Test
  void blankVariablesCountAsUnset() {
    CtlRun run =
        CtlRun.of(
            Map.of(
                "GATEWAYCTL_ADMIN",
                gw.address(),
                "GATEWAYCTL_TOKEN_FILE",
                "",
                "GATEWAYCTL_TOKEN",
                VIEWER),
            "get");

    assertThat(run.exit()).as(run.toString()).isZero();
  }

  @Test
  void anUnknownVariantExitsWithFiveNamingIt() {
    CtlRun run = operator("set-weights", "digits", "blue=1");

    assertThat(run.exit()).as(run.toString()).isEqualTo(5);
    assertThat(run.err())
        .isEqualTo(
            "gatewayctl: INVALID_ARGUMENT: weights[\"blue\"]: unknown variant (expected: one of"
                + " [v1, v2])\n");
  }

  @Test
  void aPortNobodyListensOnExitsWithSix() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    CtlRun run =
        CtlRun.of(Map.of("GATEWAYCTL_TOKEN", OPERATOR), "get", "--admin", "127.0.0.1:" + closed);

    assertThat(run.exit()).as(run.toString()).isEqualTo(6);
    assertThat(run.err()).startsWith("gatewayctl: UNAVAILABLE");
  }

  @Test
  void jsonOutputIsTheAnswerAsProto3JsonWithZeroWeightsIncluded() throws Exception {
    long revision = routes().getRevision();

    CtlRun get = operator("get", "-o", "json");
    CtlRun set = operator("set-weights", "digits", "v1=60", "v2=40", "-o", "json");

    assertThat(get.exit()).as(get.toString()).isZero();
    JsonNode routes = new ObjectMapper().readTree(get.out());
    assertThat(routes.get("revision").asLong()).isEqualTo(revision);
    JsonNode v2 = routes.get("routes").get(0).get("variants").get(1);
    assertThat(v2.get("name").asText()).isEqualTo("v2");
    assertThat(v2.get("weight").asInt()).isZero();
    assertThat(set.exit()).as(set.toString()).isZero();
    JsonNode change = new ObjectMapper().readTree(set.out());
    assertThat(change.get("revision").asLong()).isEqualTo(revision + 1);
    assertThat(change.get("route").get("variants").get(1).get("weight").asInt()).isEqualTo(40);
  }

  @Test
  void historyShowsAWriteWithWhoWhatAndWhy() throws Exception {
    long revision = routes().getRevision();
    assertThat(
            operator("set-weights", "digits", "v1=80", "v2=20", "--reason", "canary to 20%").exit())
        .isZero();

    CtlRun table = operator("history", "digits");
    CtlRun json = operator("history", "--limit", "1", "-o", "json");

    assertThat(table.exit()).as(table.toString()).isZero();
    String last = table.out().lines().reduce((first, second) -> second).orElseThrow();
    assertThat(last.split(" {2,}"))
        .containsSubsequence(
            Long.toString(revision + 1), "digits", "alice", "v1 100->80 v2 0->20", "canary to 20%");
    JsonNode entries = new ObjectMapper().readTree(json.out()).get("entries");
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).get("identity").asText()).isEqualTo("alice");
    assertThat(entries.get(0).get("after").get("v2").asInt()).isEqualTo(20);
    assertThat(entries.get(0).get("reason").asText()).isEqualTo("canary to 20%");
  }

  @Test
  void aRampRunsPausesBlocksSetWeightsAndAbortsThenPromoteAndRollbackMoveAllTheWeight() {
    CtlRun ramp =
        operator(
            "ramp",
            "digits",
            "--canary",
            "v2",
            "--steps",
            "10,100",
            "--hold",
            "1h",
            "--reason",
            "go");
    CtlRun paused = operator("pause", "digits");
    CtlRun blocked = operator("set-weights", "digits", "v2=50");
    CtlRun aborted = operator("abort", "digits");

    assertThat(ramp.exit()).as(ramp.toString()).isZero();
    assertThat(ramp.out()).contains("ramp digits: v2 over v1 RUNNING step 1/2 (10%) hold 1h0m0s");
    assertThat(paused.exit()).as(paused.toString()).isZero();
    assertThat(paused.out()).contains("ramp digits: v2 over v1 PAUSED step 1/2 (10%)");
    assertThat(blocked.exit()).as(blocked.toString()).isEqualTo(4);
    assertThat(blocked.err()).startsWith("gatewayctl: FAILED_PRECONDITION: ");
    assertThat(aborted.exit()).as(aborted.toString()).isZero();
    assertThat(aborted.out()).contains("ramp digits: v2 over v1 ABORTED");
    assertThat(weights(routes())).isEqualTo(Map.of("v1", 100, "v2", 0));

    assertThat(operator("promote", "digits", "v2").exit()).isZero();
    assertThat(weights(routes())).isEqualTo(Map.of("v1", 0, "v2", 100));
    assertThat(operator("rollback", "digits", "v2", "--stable", "v1").exit()).isZero();
    assertThat(weights(routes())).isEqualTo(Map.of("v1", 100, "v2", 0));
  }

  private CtlRun operator(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--admin";
    all[args.length + 1] = gw.address();
    all[args.length + 2] = "--token-file";
    all[args.length + 3] = gw.operatorTokenFile.toString();
    return gw.ctl(all);
  }

  private GetRoutesResponse routes() {
    return gw.routes();
  }

  private static Map<String, Integer> weights(GetRoutesResponse routes) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (VariantState variant : routes.getRoutes(0).getVariantsList()) {
      weights.put(variant.getName(), variant.getWeight());
    }
    return weights;
  }
}
