package io.infergate.infer.observability.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every gRPC server of ours carries besides its own services, and how it stops: the standard
 * health service, server reflection (v1 and v1alpha, which older grpcurl and ghz builds speak), and
 * a graceful stop bounded by a grace period.
 */
public final class StandardServices {
  /** How long a server may take to close its transports once its calls are cancelled. */
  private static final Duration AFTER_CANCEL = Duration.ofSeconds(5);

  private StandardServices() {}

  /** Adds health (answered from {@code health}) and reflection to {@code builder}. */
  public static <T extends ServerBuilder<T>> T add(T builder, HealthStatusManager health) {
    return builder
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(legacyReflection());
  }

  /**
   * Waits up to {@code grace} for the calls in flight on a server already {@link Server#shutdown()
   * shut down} to finish, then cancels what is left.
   *
   * @return false when calls had to be cancelled
   */
  public static boolean awaitOrCancel(Server server, Duration grace) {
    try {
      if (server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        return true;
      }
      server.shutdownNow();
      server.awaitTermination(AFTER_CANCEL.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    return false;
  }

  /** grpc.reflection.v1alpha, for tools that speak only that. */
  @SuppressWarnings("deprecation")
  private static BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }
}
