package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pause}, {@code resume} and {@code abort}: one route's ramp, one call each. */
abstract class RampActionCommand implements Callable<Integer> {
  @ParentCommand GatewayCtlMain ctl;
  @Mixin WriteOptions write;

  @Parameters(index = "0", paramLabel = "MODEL", description = "the route's model")
  String model;

  @Override
  public final Integer call() {
    RouteChange answer;
    try (AdminSession admin = ctl.connect()) {
      RampRequest request =
          RampRequest.newBuilder()
              .setModel(model)
              .setReason(write.reason)
              .setBasedOnRevision(write.revision(admin))
              .build();
      answer = send(admin.call(), request);
    }
    ctl.print(answer, Tables::change);
    return Exits.OK;
  }

  abstract RouteChange send(GatewayAdminBlockingStub admin, RampRequest request);
}
