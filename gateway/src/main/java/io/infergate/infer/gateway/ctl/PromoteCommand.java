package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.PromoteRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gatewayctl promote MODEL VARIANT}. */
@Command(
    name = "promote",
    description = "Gives one variant all of its route's weight (the others 0) and ends any ramp.")
final class PromoteCommand extends RouteWriteCommand {
  @Parameters(index = "1", paramLabel = "VARIANT", description = "the variant that takes all")
  String variant;

  @Override
  public Integer call() {
    return ctl.answer(
        admin ->
            admin
                .call()
                .promote(
                    PromoteRequest.newBuilder()
                        .setModel(model)
                        .setVariant(variant)
                        .setReason(write.reason)
                        .setBasedOnRevision(write.revision(admin))
                        .build()),
        Tables::change);
  }
}
