package io.infergate.infer.gateway.ctl;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.infergate.infer.gateway.admin.BearerToken;
import io.infergate.infer.observability.transport.Shutdowns;
import io.infergate.infer.observability.transport.TlsCredentials;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc.GatewayAdminBlockingStub;
import io.infergate.infer.proto.admin.v1.GetRoutesRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One command's channel to the admin port, with its token; closing it closes the channel. */
final class AdminSession implements AutoCloseable {
  private final ManagedChannel channel;
  private final TlsCredentials tls;
  private final GatewayAdminBlockingStub stub;
  private final long deadlineNanos;

  /**
   * @param tls the channel's TLS credentials, closed with it; null for plaintext
   * @param token the bearer token; null for none
   */
  AdminSession(ManagedChannel channel, TlsCredentials tls, String token, Duration deadline) {
    this.channel = requireNonNull(channel, "channel");
    this.tls = tls;
    GatewayAdminBlockingStub plain = GatewayAdminGrpc.newBlockingStub(channel);
    this.stub = token == null ? plain : plain.withCallCredentials(new BearerToken(token));
    this.deadlineNanos = deadline.toNanos();
  }

  /** The stub for one call, its deadline starting now. */
  GatewayAdminBlockingStub call() {
    return stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS);
  }

  /** {@code basedOn} when given, else the current revision, read now. */
  long revision(Long basedOn) {
    return basedOn != null
        ? basedOn
        : call().getRoutes(GetRoutesRequest.getDefaultInstance()).getRevision();
  }

  @Override
  public void close() {
    Shutdowns.closeNow(channel);
    if (tls != null) {
      tls.close();
    }
  }
}
