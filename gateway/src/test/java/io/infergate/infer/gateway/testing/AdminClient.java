package io.infergate.infer.gateway.testing;

import io.grpc.ManagedChannel;
import io.infergate.infer.gateway.admin.BearerToken;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.GetHistoryRequest;
import io.infergate.infer.proto.admin.v1.GetHistoryResponse;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.PromoteRequest;
import io.infergate.infer.proto.admin.v1.RampRequest;
import io.infergate.infer.proto.admin.v1.RollbackRequest;
import io.infergate.infer.proto.admin.v1.RouteChange;
import io.infergate.infer.proto.admin.v1.SetWeightsRequest;
import io.infergate.infer.proto.admin.v1.StartRampRequest;
import io.infergate.infer.proto.admin.v1.WhoAmIRequest;
import io.infergate.infer.proto.admin.v1.WhoAmIResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin API as a release manager's tooling calls it, with a bearer token (null: none): the
 * generated stub and one header, nothing more.
 */
public final class AdminClient {
  private final GatewayAdminBlockingStub stub;

  public AdminClient(ManagedChannel channel, String token) {
    GatewayAdminBlockingStub plain = GatewayAdminGrpc.newBlockingStub(channel);
    this.stub = token == null ? plain : plain.withCallCredentials(new BearerToken(token));
  }

  public GetRoutesResponse routes() {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .getRoutes(GetRoutesRequest.getDefaultInstance());
  }

  public RouteChange setWeights(
      String model, Map<String, Integer> weights, long basedOnRevision, String reason) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .setWeights(
            SetWeightsRequest.newBuilder()
                .setModel(model)
                .putAllWeights(weights)
                .setBasedOnRevision(basedOnRevision)
                .setReason(reason)
                .build());
  }

  public RouteChange startRamp(StartRampRequest request) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).startRamp(request);
  }

  public RouteChange pauseRamp(String model, long basedOnRevision) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).pauseRamp(ramp(model, basedOnRevision));
  }

  public RouteChange resumeRamp(String model, long basedOnRevision) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).resumeRamp(ramp(model, basedOnRevision));
  }

  public RouteChange abortRamp(String model, long basedOnRevision) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).abortRamp(ramp(model, basedOnRevision));
  }

  public RouteChange promote(String model, String variant, long basedOnRevision) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .promote(
            PromoteRequest.newBuilder()
                .setModel(model)
                .setVariant(variant)
                .setBasedOnRevision(basedOnRevision)
                .build());
  }

  public RouteChange rollback(String model, String variant, long basedOnRevision) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .rollback(
            RollbackRequest.newBuilder()
                .setModel(model)
                .setVariant(variant)
                .setBasedOnRevision(basedOnRevision)
                .build());
  }

  public GetHistoryResponse history(String model) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .getHistory(GetHistoryRequest.newBuilder().setModel(model).build());
  }

  public WhoAmIResponse whoAmI() {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS).whoAmI(WhoAmIRequest.getDefaultInstance());
  }

  private static RampRequest ramp(String model, long basedOnRevision) {
    return RampRequest.newBuilder().setModel(model).setBasedOnRevision(basedOnRevision).build();
  }
}
