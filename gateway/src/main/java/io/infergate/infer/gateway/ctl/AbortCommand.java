package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import picocli.CommandLine.Command;

/** {@code gatewayctl abort MODEL}. */
@Command(name = "abort", description = "Ends the ramp and sets its canary to 0.")
final class AbortCommand extends RampActionCommand {
  @Override
  RouteChange send(GatewayAdminBlockingStub admin, RampRequest request) {
    return admin.abortRamp(request);
  }
}
