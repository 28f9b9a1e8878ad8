package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import picocli.CommandLine.Command;

/** {@code gatewayctl pause MODEL}. */
@Command(
    name = "pause",
    description = "Holds the ramp at its step; the gates still judge, and still roll back.")
final class PauseCommand extends RampActionCommand {
  @Override
  RouteChange send(GatewayAdminBlockingStub admin, RampRequest request) {
    return admin.pauseRamp(request);
  }
}
