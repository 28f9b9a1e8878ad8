package io.infergate.infer.gateway.admin;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.RouteChange;
import io.infergate.infer.proto.admin.v1.SetWeightsRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin API as a release manager's tooling calls it, with a bearer token (null: none): the
 * generated stub and one header, nothing more.
 */
final class AdminClient {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final GatewayAdminBlockingStub stub;

  AdminClient(ManagedChannel channel, String token) {
    GatewayAdminBlockingStub plain = GatewayAdminGrpc.newBlockingStub(channel);
    if (token != null) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      plain = plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.stub = plain;
  }

  GetRoutesResponse routes() {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .getRoutes(GetRoutesRequest.getDefaultInstance());
  }

  RouteChange setWeights(
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
}
