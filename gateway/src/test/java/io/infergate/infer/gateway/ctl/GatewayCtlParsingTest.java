package io.infergate.infer.gateway.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.infergate.infer.proto.admin.v1.Gates;
import io.infergate.infer.proto.admin.v1.StartRampRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What gatewayctl makes of its arguments before any call: weights, ramp plans, and a usage error
 * (exit 2, naming the argument) for each value it cannot use. No gateway is needed, so none runs.
 */
class GatewayCtlParsingTest {
  private static final String HINT = "Try 'gatewayctl set-weights --help' for more information.\n";

  @TempDir Path dir;

  @Test
  void weightsAreVariantEqualsWeight() {
    assertThat(Weight.parse("v1=90")).isEqualTo(new Weight("v1", 90));
    assertThat(Weight.parse("canary=0")).isEqualTo(new Weight("canary", 0));
  }

  @Test
  void aBadWeightIsRefusedNamingTheText() {
    for (String bad : new String[] {"v1", "=5", "v1=", "v1=ten", "v1=-1", "v1=1.5"}) {
      assertThatThrownBy(() -> Weight.parse(bad))
          .as(bad)
          .hasMessage("\"" + bad + "\" (expected: VARIANT=WEIGHT with a WEIGHT of 0 or more)");
    }
  }

  @Test
  void aBadWeightArgumentIsAUsageErrorNamingTheArgument() {
    CtlRun run = CtlRun.of(Map.of(), "set-weights", "digits", "v1=90", "v2=ten");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "gatewayctl: VARIANT=WEIGHT: \"v2=ten\" (expected: VARIANT=WEIGHT with a WEIGHT of 0 or"
                + " more)\n"
                + HINT);
  }

  @Test
  void aVariantNamedTwiceIsAUsageError() {
    CtlRun run =
        CtlRun.of(Map.of(), "set-weights", "digits", "v1=90", "v1=10", "--admin", "127.0.0.1:1");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("gatewayctl: VARIANT=WEIGHT: \"v1\" named twice (expected: once each)\n" + HINT);
  }

  @Test
  void setWeightsNeedsAtLeastOneWeight() {
    CtlRun run = CtlRun.of(Map.of(), "set-weights", "digits");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("VARIANT=WEIGHT");
  }

  @Test
  void aRampsFlagsMakeItsPlanAndGates() {
    RampCommand ramp =
        parsed(
            RampCommand.class,
            "ramp",
            "digits",
            "--canary",
            "v2",
            "--stable",
            "v1",
            "--steps",
            "1,5,25,50,100",
            "--hold",
            "1m30s",
            "--max-failure-rate-increase",
            "0.05",
            "--max-p50-ratio",
            "1.5",
            "--max-p99-ratio",
            "2",
            "--min-p99-increase",
            "5ms",
            "--min-calls",
            "20",
            "--window",
            "10s",
            "--breaches",
            "4",
            "--reason",
            "v2 to everyone");

    assertThat(ramp.request())
        .isEqualTo(
            StartRampRequest.newBuilder()
                .setModel("digits")
                .setCanary("v2")
                .setStable("v1")
                .addAllSteps(java.util.List.of(1, 5, 25, 50, 100))
                .setHold(Duration.newBuilder().setSeconds(90))
                .setGates(
                    Gates.newBuilder()
                        .setMaxFailureRateIncrease(0.05)
                        .setMaxP50Ratio(1.5)
                        .setMaxP99Ratio(2)
                        .setMinLatencyIncrease(Duration.newBuilder().setNanos(5_000_000))
                        .setMinCalls(20)
                        .setWindow(Duration.newBuilder().setSeconds(10))
                        .setBreachesToRollBack(4))
                .setReason("v2 to everyone")
                .build());
  }

  @Test
  void aRampsLeftOutFlagsAreLeftToTheGatewaysDefaults() {
    RampCommand ramp = parsed(RampCommand.class, "ramp", "digits", "--canary", "v2");

    assertThat(ramp.request())
        .isEqualTo(StartRampRequest.newBuilder().setModel("digits").setCanary("v2").build());
  }

  @Test
  void aBadDurationIsAUsageErrorInTheProjectsSyntax() {
    CtlRun run = CtlRun.of(Map.of(), "ramp", "digits", "--canary", "v2", "--hold", "sixty");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("--hold")
        .contains("\"sixty\" is not a duration (expected: e.g. 250ms, 10s, 1h30m or PT1M30S)");
  }

  @Test
  void aBadAdminAddressIsAUsageErrorNamingWhereItCameFrom() {
    CtlRun flag = CtlRun.of(Map.of(), "get", "--admin", "localhost");
    CtlRun environment = CtlRun.of(Map.of("GATEWAYCTL_ADMIN", "h:99999"), "get");

    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.err())
        .isEqualTo(
            "gatewayctl: --admin: \"localhost\" (expected: HOST:PORT with a port in"
                + " 1..65535)\n"
                + "Try 'gatewayctl get --help' for more information.\n");
    assertThat(environment.exit()).isEqualTo(2);
    assertThat(environment.err()).startsWith("gatewayctl: GATEWAYCTL_ADMIN: \"h:99999\"");
  }

  @Test
  void anUnreadableOrEmptyTokenFileIsAUsageError() throws Exception {
    Path missing = dir.resolve("missing.txt");
    Path empty = Files.writeString(dir.resolve("empty.txt"), "\n");

    CtlRun flag = CtlRun.of(Map.of(), "get", "--token-file", missing.toString());
    CtlRun environment = CtlRun.of(Map.of("GATEWAYCTL_TOKEN_FILE", empty.toString()), "get");

    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.err()).startsWith("gatewayctl: --token-file: " + missing + ": cannot read");
    assertThat(environment.exit()).isEqualTo(2);
    assertThat(environment.err())
        .isEqualTo(
            "gatewayctl: GATEWAYCTL_TOKEN_FILE: "
                + empty
                + ": expected one token and nothing else\n"
                + "Try 'gatewayctl get --help' for more information.\n");
  }

  @Test
  void aClientCertificateWithoutItsKeyIsAUsageErrorNamingTheFlag() throws Exception {
    Path cert = Files.writeString(dir.resolve("client.crt"), "not read before the check");

    CtlRun run = CtlRun.of(Map.of(), "get", "--cert", cert.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--key: missing (expected: --cert and --key together");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(CtlRun.of(Map.of()).exit()).isEqualTo(2);
  }

  @Test
  void helpListsTheCommandsAndTheExitCodes() {
    CtlRun run = CtlRun.of(Map.of(), "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains(
            "get",
            "set-weights",
            "ramp",
            "pause",
            "resume",
            "abort",
            "promote",
            "rollback",
            "history")
        .contains("Exit codes:")
        .contains("3   UNAUTHENTICATED or PERMISSION_DENIED")
        .contains("4   FAILED_PRECONDITION")
        .contains("6   UNAVAILABLE or DEADLINE_EXCEEDED");
  }

  private static <T> T parsed(Class<T> type, String... args) {
    CommandLine command = GatewayCtlMain.commandLine(Map.of());
    CommandLine.ParseResult result = command.parseArgs(args);
    return type.cast(result.subcommand().commandSpec().userObject());
  }
}
