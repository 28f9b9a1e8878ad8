package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import picocli.CommandLine.Command;

/** {@code gatewayctl resume MODEL}. */
@Command(name = "resume", description = "Runs a paused ramp on; the step's hold starts again.")
final class ResumeCommand extends RampActionCommand {
  @Override
  RouteChange send(GatewayAdminBlockingStub admin, RampRequest request) {
    return admin.resumeRamp(request);
  }
}
