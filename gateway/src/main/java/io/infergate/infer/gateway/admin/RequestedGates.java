package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.ProtoTime.duration;

import io.infergate.infer.router.release.Gates;
import java.time.Duration;

/** A ramp request's gates as the router's {@link Gates}. */
final class RequestedGates {
  private RequestedGates() {}

  /**
   * The router's gates for a request's: a field left 0 takes its default, as the API says. Proto3
   * cannot tell an unset number from 0, and a zero {@code window} or {@code min_latency_increase}
   * is taken as unset too, so that every field reads the same way; no gate but the p99 ratio (0:
   * not judged) can be asked to be 0 through the API.
   *
   * @throws IllegalArgumentException naming each bad field
   */
  static Gates from(io.infergate.infer.proto.admin.v1.Gates requested) {
    Gates defaults = Gates.DEFAULT;
    return new Gates(
        orDefault(requested.getMaxFailureRateIncrease(), defaults.maxFailureRateIncrease()),
        orDefault(requested.getMaxP50Ratio(), defaults.maxP50Ratio()),
        requested.getMaxP99Ratio(),
        orDefault(duration(requested.getMinLatencyIncrease()), defaults.minLatencyIncrease()),
        orDefault(requested.getMinCalls(), defaults.minCalls()),
        orDefault(duration(requested.getWindow()), defaults.window()),
        orDefault(requested.getBreachesToRollBack(), defaults.breachesToRollBack()));
  }

  private static int orDefault(int requested, int fallback) {
    return requested == 0 ? fallback : requested;
  }

  private static double orDefault(double requested, double fallback) {
    return requested == 0 ? fallback : requested;
  }

  private static Duration orDefault(Duration requested, Duration fallback) {
    return requested.isZero() ? fallback : requested;
  }
}
