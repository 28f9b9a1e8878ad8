package io.infergate.infer.gateway.ctl;

import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.proto.admin.v1.PromoteRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gatewayctl promote MODEL VARIANT}. */
@Command(
    name = "promote",
    description = "Gives one variant all of its route's weight (the others 0) and ends any ramp.")
final class PromoteCommand implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;
  @ParentCommand GatewayCtlMain ctl;
  @Mixin WriteOptions write;

  @Parameters(index = "0", paramLabel = "MODEL", description = "the route's model")
  String model;

  @Parameters(index = "1", paramLabel = "VARIANT", description = "the variant that takes all")
  String variant;

  @Override
  public Integer call() {
    RouteChange answer;
    try (AdminSession admin = ctl.connect()) {
      answer =
          admin
              .call()
              .promote(
                  PromoteRequest.newBuilder()
                      .setModel(model)
                      .setVariant(variant)
                      .setReason(write.reason)
                      .setBasedOnRevision(write.revision(admin))
                      .build());
    }
    ctl.print(answer, Tables::change);
    return Exits.OK;
  }
}
