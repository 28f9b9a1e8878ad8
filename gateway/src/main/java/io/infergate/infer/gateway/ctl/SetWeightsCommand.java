package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.SetWeightsRequest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code gatewayctl set-weights MODEL v1=90 v2=10}: some variants' weights of one route. */
@Command(
    name = "set-weights",
    description =
        "Sets some variants' weights of one route; variants not named keep theirs. Refused while"
            + " a ramp runs or is paused (abort it first).")
final class SetWeightsCommand extends RouteWriteCommand {
  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "VARIANT=WEIGHT",
      description = "e.g. v1=90 v2=10")
  List<String> weights;

  @Override
  public Integer call() {
    SetWeightsRequest.Builder request =
        SetWeightsRequest.newBuilder().setModel(model).setReason(write.reason);
    for (String text : weights) {
      Weight weight;
      try {
        // Parsed here rather than by a picocli converter, which reports a bad value after the
        // first of a list as an "unmatched argument" instead of saying what is wrong with it.
        weight = Weight.parse(text);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "VARIANT=WEIGHT: " + e.getMessage());
      }
      if (request.containsWeights(weight.variant())) {
        throw new ParameterException(
            spec.commandLine(),
            "VARIANT=WEIGHT: \"" + weight.variant() + "\" named twice (expected: once each)");
      }
      request.putWeights(weight.variant(), weight.weight());
    }
    return ctl.answer(
        admin -> admin.call().setWeights(request.setBasedOnRevision(write.revision(admin)).build()),
        Tables::change);
  }
}
