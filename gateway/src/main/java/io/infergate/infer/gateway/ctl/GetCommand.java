package io.infergate.infer.gateway.ctl;

import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.RouteState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatewayctl get [MODEL]}: routes, weights, endpoints, live figures and ramps. */
@Command(
    name = "get",
    description =
        "Shows each route's variants: weight, endpoints, live calls/s, backend failure rate, p50"
            + " and p99 latency and breaker; and its ramp with phase and step.")
final class GetCommand implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;
  @ParentCommand GatewayCtlMain ctl;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "only this route (default: all)")
  String model;

  @Override
  public Integer call() {
    GetRoutesResponse answer;
    try (AdminSession admin = ctl.connect()) {
      answer = admin.call().getRoutes(GetRoutesRequest.getDefaultInstance());
    }
    if (model != null) {
      GetRoutesResponse.Builder only = answer.toBuilder().clearRoutes();
      for (RouteState route : answer.getRoutesList()) {
        if (route.getModel().equals(model)) {
          only.addRoutes(route);
        }
      }
      if (only.getRoutesCount() == 0) {
        throw new ParameterException(
            spec.commandLine(), "MODEL: \"" + model + "\" has no route on this gateway");
      }
      answer = only.build();
    }
    ctl.print(answer, Tables::routes);
    return Exits.OK;
  }
}
