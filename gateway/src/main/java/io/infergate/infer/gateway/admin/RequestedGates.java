package io.infergate.infer.gateway.admin;

import static io.infergate.infer.gateway.admin.GatewayAdminService.duration;

import io.infergate.infer.router.release.Gates;
import java.time.Duration;

/** A ramp request's gates as the router's {@link Gates}. */
final class RequestedGates {
  private RequestedGates() {}

  /**
   * Proto3 cannot tell a field left unset from one set to zero, so zero takes the default: no gate
   * is valid at zero except the p99 ratio, whose zero means "not judged".
   *
   * @throws IllegalArgumentException naming each bad field
   */
  static Gates from(io.infergate.infer.proto.admin.v1.Gates requested) {
    Gates absent = Gates.DEFAULT;
    return new Gates(
        orDefault(requested.getMaxFailureRateIncrease(), absent.maxFailureRateIncrease()),
        orDefault(requested.getMaxP50Ratio(), absent.maxP50Ratio()),
        requested.getMaxP99Ratio(),
        orDefault(duration(requested.getMinLatencyIncrease()), absent.minLatencyIncrease()),
        orDefault(requested.getMinCalls(), absent.minCalls()),
        orDefault(duration(requested.getWindow()), absent.window()),
        orDefault(requested.getBreachesToRollBack(), absent.breachesToRollBack()));
  }

  private static int orDefault(int requested, int absent) {
    return requested == 0 ? absent : requested;
  }

  private static double orDefault(double requested, double absent) {
    return requested == 0 ? absent : requested;
  }

  private static Duration orDefault(Duration requested, Duration absent) {
    return requested.isZero() ? absent : requested;
  }
}
