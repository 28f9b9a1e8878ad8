package io.infergate.infer.observability.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What every gRPC server of ours carries besides its own services, and how it stops: the standard
 * health service, server reflection (v1 and v1alpha, which older grpcurl and ghz builds speak), and
 * a graceful stop bounded by a grace period.
 */
public final class StandardServices {
  /**
   * Netty's epoll transport prefixes the system call to the OS's words ({@code bind(..) failed: }
   * or {@code bind(..) failed with error(-98): }); NIO gives the words alone.
   */
  private static final Pattern NATIVE_CALL =
      Pattern.compile("^[a-z_]+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

  /**
   * The health service name that is SERVING from start until shutdown, whatever the models' state:
   * what a liveness probe asks (Kubernetes' {@code grpc: {service: liveness}}), so that a process
   * whose backends or models are down is taken out of rotation ({@code ""} turns NOT_SERVING) but
   * not restarted.
   */
  public static final String LIVENESS = "liveness";

  /** How long a server may take to close its transports once its calls are cancelled. */
  private static final Duration AFTER_CANCEL = Duration.ofSeconds(5);

  private StandardServices() {}

  /**
   * Adds health (answered from {@code health}, which this marks {@link #LIVENESS} SERVING) and
   * reflection to {@code builder}.
   */
  public static <T extends ServerBuilder<T>> T add(T builder, HealthStatusManager health) {
    return add(builder, health, true);
  }

  /**
   * Adds health (answered from {@code health}, which this marks {@link #LIVENESS} SERVING) to
   * {@code builder}, and reflection when {@code reflection} is true. Reflection hands anyone who
   * reaches the port a map of every service and message, so a public port may leave it out; its
   * methods are then UNIMPLEMENTED.
   */
  public static <T extends ServerBuilder<T>> T add(
      T builder, HealthStatusManager health, boolean reflection) {
    health.setStatus(LIVENESS, ServingStatus.SERVING);
    builder.addService(health.getHealthService());
    if (reflection) {
      builder.addService(ProtoReflectionServiceV1.newInstance()).addService(legacyReflection());
    }
    return builder;
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

  /**
   * The failure to report when a server cannot bind {@code host:port}: {@code cannot listen on
   * HOST:PORT: REASON}, the reason in the operating system's words ({@code Address already in
   * use}), whichever transport failed.
   */
  public static UncheckedIOException cannotListen(String host, int port, IOException failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    return new UncheckedIOException(
        "cannot listen on "
            + host
            + ":"
            + port
            + ": "
            + NATIVE_CALL.matcher(message).replaceFirst(""),
        failure);
  }

  /** grpc.reflection.v1alpha, for tools that speak only that. */
  @SuppressWarnings("deprecation")
  private static BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }
}
