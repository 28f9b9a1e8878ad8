package io.infergate.infer.observability.testing;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Calls to the services every server adds ({@code StandardServices}: health and reflection), as the
 * servers' tests make them. Shared with the gateway's and the model server's tests through this
 * module's test jar.
 */
public final class StandardServiceCalls {
  private static final long DEADLINE_SECONDS = 10;

  private StandardServiceCalls() {}

  /** What health says of {@code service} ("" for the server as a whole). */
  public static ServingStatus health(Channel channel, String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  /** The services reflection lists. */
  public static ServerReflectionResponse listServices(Channel channel) throws Exception {
    return reflect(channel, ServerReflectionRequest.newBuilder().setListServices("").build());
  }

  /**
   * The code a services listing ends with: OK where reflection answers, UNIMPLEMENTED where off.
   */
  public static Status.Code listServicesCode(Channel channel) throws Exception {
    try {
      listServices(channel);
      return Status.Code.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause()).getCode();
    }
  }

  /**
   * Reflection's answer to {@code request}, alone on its stream.
   *
   * @throws java.util.concurrent.ExecutionException whose cause is the call's failure, such as
   *     UNIMPLEMENTED where reflection is off
   */
  public static ServerReflectionResponse reflect(Channel channel, ServerReflectionRequest request)
      throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(new AssertionError("no response"));
                  }
                });
    requests.onNext(request);
    requests.onCompleted();
    return answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }
}
