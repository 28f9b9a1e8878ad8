package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;

/** {@code pause}, {@code resume} and {@code abort}: one route's ramp, one call each. */
abstract class RampActionCommand extends RouteWriteCommand {
  @Override
  public final Integer call() {
    return ctl.answer(
        admin ->
            send(
                admin.call(),
                RampRequest.newBuilder()
                    .setModel(model)
                    .setReason(write.reason)
                    .setBasedOnRevision(write.revision(admin))
                    .build()),
        Tables::change);
  }

  abstract RouteChange send(GatewayAdminBlockingStub admin, RampRequest request);
}
