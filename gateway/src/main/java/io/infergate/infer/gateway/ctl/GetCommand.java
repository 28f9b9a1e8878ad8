package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.RouteState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/** {@code gatewayctl get [MODEL]}: routes, weights, endpoints, live figures and ramps. */
@Command(
    name = "get",
    description =
        "Shows each route's variants: weight, endpoints, live calls/s, backend failure rate, p50"
            + " and p99 latency and breaker; and its ramp with phase and step.")
final class GetCommand extends AdminCommand {
  @Mixin ModelFilter only;

  @Override
  public Integer call() {
    return ctl.answer(
        admin -> only(admin.call().getRoutes(GetRoutesRequest.getDefaultInstance())),
        Tables::routes);
  }

  /** The routes {@code MODEL} asks for: all, or its own. */
  private GetRoutesResponse only(GetRoutesResponse answer) {
    String model = only.model;
    if (model == null) {
      return answer;
    }
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
    return only.build();
  }
}
