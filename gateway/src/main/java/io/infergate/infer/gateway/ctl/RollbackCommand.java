package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.RollbackRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatewayctl rollback MODEL VARIANT [--stable v1]}. */
@Command(
    name = "rollback",
    description =
        "Sets one variant to 0, its weight going to the route's stable variant, and ends any"
            + " ramp.")
final class RollbackCommand extends RouteWriteCommand {
  @Parameters(index = "1", paramLabel = "VARIANT", description = "the variant set to 0")
  String variant;

  @Option(
      names = "--stable",
      paramLabel = "VARIANT",
      description =
          "the variant that takes its weight (default: the ramp's stable, or the route's other"
              + " one)")
  String stable;

  @Override
  public Integer call() {
    RollbackRequest.Builder request =
        RollbackRequest.newBuilder().setModel(model).setVariant(variant).setReason(write.reason);
    if (stable != null) {
      request.setStable(stable);
    }
    return ctl.answer(
        admin -> admin.call().rollback(request.setBasedOnRevision(write.revision(admin)).build()),
        Tables::change);
  }
}
