package io.infergate.infer.gateway.ctl;

import io.infergate.infer.observability.config.DurationFlagConverter;
import io.infergate.infer.proto.admin.v1.Gates;
import io.infergate.infer.proto.admin.v1.StartRampRequest;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatewayctl ramp MODEL --canary v2}: starts a ramp plan. Flags left out are left out of the
 * request too, so the gateway's defaults (documented in admin.proto) apply.
 */
@Command(
    name = "ramp",
    description =
        "Starts a ramp: the canary's weight goes through the steps, each held while the gates"
            + " hold; a breached gate sets the canary to 0 at once.")
final class RampCommand extends RouteWriteCommand {
  @Option(
      names = "--canary",
      required = true,
      paramLabel = "VARIANT",
      description = "the variant whose weight rises")
  String canary;

  @Option(
      names = "--stable",
      paramLabel = "VARIANT",
      description = "the variant it is compared with (default: the route's other one)")
  String stable;

  @Option(
      names = "--steps",
      split = ",",
      paramLabel = "PERCENT",
      description = "the canary's weight at each step, rising, 1..100 (default: 1,5,25,50,100)")
  List<Integer> steps;

  @Option(
      names = "--hold",
      paramLabel = "DURATION",
      converter = DurationFlagConverter.class,
      description = "how long each step is held (default: 60s)")
  Duration hold;

  @Option(
      names = "--max-failure-rate-increase",
      paramLabel = "SHARE",
      description = "how far the canary's backend failure rate may exceed stable's (default: 0.05)")
  Double maxFailureRateIncrease;

  @Option(
      names = "--max-p50-ratio",
      paramLabel = "RATIO",
      description = "how many times stable's median latency the canary's may reach (default: 2)")
  Double maxP50Ratio;

  @Option(
      names = "--max-p99-ratio",
      paramLabel = "RATIO",
      description = "how many times stable's p99 the canary's may reach (default: not judged)")
  Double maxP99Ratio;

  @Option(
      names = {"--min-latency-increase", "--min-p99-increase"},
      paramLabel = "DURATION",
      converter = DurationFlagConverter.class,
      description =
          "a latency breach also needs the canary's quantile this far above stable's (default:"
              + " 5ms)")
  Duration minLatencyIncrease;

  @Option(
      names = "--min-calls",
      paramLabel = "N",
      description =
          "calls the canary must answer in the window before the gates judge (default: 20)")
  Integer minCalls;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = DurationFlagConverter.class,
      description = "the sliding window the gates judge (default: 10s)")
  Duration window;

  @Option(
      names = "--breaches",
      paramLabel = "N",
      description =
          "judgements in a row (one a second) a gate must fail before the rollback (default: 3)")
  Integer breaches;

  @Override
  public Integer call() {
    StartRampRequest request = request();
    return ctl.answer(
        admin ->
            admin
                .call()
                .startRamp(request.toBuilder().setBasedOnRevision(write.revision(admin)).build()),
        Tables::change);
  }

  /** The request these flags make, with no revision yet. */
  StartRampRequest request() {
    StartRampRequest.Builder request =
        StartRampRequest.newBuilder().setModel(model).setCanary(canary).setReason(write.reason);
    if (stable != null) {
      request.setStable(stable);
    }
    if (steps != null) {
      request.addAllSteps(steps);
    }
    if (hold != null) {
      request.setHold(proto(hold));
    }
    Gates.Builder gates = Gates.newBuilder();
    if (maxFailureRateIncrease != null) {
      gates.setMaxFailureRateIncrease(maxFailureRateIncrease);
    }
    if (maxP50Ratio != null) {
      gates.setMaxP50Ratio(maxP50Ratio);
    }
    if (maxP99Ratio != null) {
      gates.setMaxP99Ratio(maxP99Ratio);
    }
    if (minLatencyIncrease != null) {
      gates.setMinLatencyIncrease(proto(minLatencyIncrease));
    }
    if (minCalls != null) {
      gates.setMinCalls(minCalls);
    }
    if (window != null) {
      gates.setWindow(proto(window));
    }
    if (breaches != null) {
      gates.setBreachesToRollBack(breaches);
    }
    if (!gates.build().equals(Gates.getDefaultInstance())) {
      request.setGates(gates);
    }
    return request.build();
  }

  private static com.google.protobuf.Duration proto(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }
}
