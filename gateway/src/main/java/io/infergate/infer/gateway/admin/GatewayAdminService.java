package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.gateway.admin.ReleaseControl.Snapshot;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.RouteChange;
import io.infergate.infer.proto.admin.v1.RouteState;
import io.infergate.infer.proto.admin.v1.SetWeightsRequest;
import io.infergate.infer.proto.admin.v1.VariantState;
import io.infergate.infer.router.Endpoint;
import io.infergate.infer.router.Route;
import io.infergate.infer.router.Variant;

/** Translates {@code GatewayAdmin} calls to {@link ReleaseControl} and its answers to protos. */
final class GatewayAdminService extends GatewayAdminGrpc.GatewayAdminImplBase {
  private final ReleaseControl control;

  GatewayAdminService(ReleaseControl control) {
    this.control = requireNonNull(control, "control");
  }

  @Override
  public void getRoutes(GetRoutesRequest request, StreamObserver<GetRoutesResponse> response) {
    Snapshot snapshot = control.snapshot();
    GetRoutesResponse.Builder answer =
        GetRoutesResponse.newBuilder().setRevision(snapshot.revision());
    for (Route<Rewrite> route : snapshot.routes().routes()) {
      answer.addRoutes(state(route, snapshot));
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void setWeights(SetWeightsRequest request, StreamObserver<RouteChange> response) {
    Identity who = AdminAuthInterceptor.IDENTITY.get();
    Snapshot snapshot;
    try {
      snapshot =
          control.setWeights(
              who,
              request.getModel(),
              request.getWeightsMap(),
              request.getBasedOnRevision(),
              request.getReason());
    } catch (StatusException e) {
      response.onError(e);
      return;
    }
    response.onNext(
        RouteChange.newBuilder()
            .setRevision(snapshot.revision())
            .setRoute(state(snapshot.routes().route(request.getModel()), snapshot))
            .build());
    response.onCompleted();
  }

  private static RouteState state(Route<Rewrite> route, Snapshot snapshot) {
    RouteState.Builder state =
        RouteState.newBuilder()
            .setModel(route.model())
            .setWeightsFromApi(snapshot.apiModels().contains(route.model()));
    for (Variant variant : route.variants()) {
      VariantState.Builder v =
          VariantState.newBuilder().setName(variant.name()).setWeight(variant.weight());
      for (Endpoint endpoint : variant.endpoints()) {
        v.addEndpoints(endpoint.toString());
      }
      state.addVariants(v);
    }
    return state.build();
  }
}
