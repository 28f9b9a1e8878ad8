package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.DigitsRequests;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown lets accepted calls finish: every call gets exactly one answer, none is cut off. */
class GracefulShutdownIT {

  @Test
  void inFlightCallsFinishWhileTheServerStops() throws Exception {
    DigitsDataset validation = DigitsRequests.validation();
    ModelInferRequest request = DigitsRequests.oipRaw(validation, "2").build();
    RunningServer running = RunningServer.start(TestRepository.shared(), Duration.ofSeconds(20));
    var stub =
        GRPCInferenceServiceGrpc.newFutureStub(running.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS);
    stub.modelInfer(request).get(); // warm up
    List<ListenableFuture<ModelInferResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(stub.modelInfer(request));
    }

    running.server().close();

    int ok = 0;
    for (ListenableFuture<ModelInferResponse> call : calls) {
      try {
        ModelInferResponse response = call.get(60, TimeUnit.SECONDS);
        assertThat(response.getRawOutputContents(0).size()).isEqualTo(validation.size() * 8);
        ok++;
      } catch (ExecutionException e) {
        // Calls that reached the server after shutdown began are refused, never cut off.
        assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      }
    }
    assertThat(ok).as("calls accepted before shutdown and completed").isPositive();
    running.channel().shutdownNow();
  }

  @Test
  void healthWatchersHearNotServingWhenShutdownStarts() throws Exception {
    RunningServer running = RunningServer.start(TestRepository.shared(), Duration.ofSeconds(1));
    BlockingQueue<ServingStatus> heard = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(running.channel())
        .watch(
            HealthCheckRequest.newBuilder().setService("digits").build(),
            new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse value) {
                heard.add(value.getStatus());
              }

              @Override
              public void onError(Throwable t) {
                // The stream ends when the server finally stops; only the statuses matter here.
              }

              @Override
              public void onCompleted() {}
            });
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

    Thread stopping = new Thread(running.server()::close);
    stopping.start();

    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
    stopping.join(30_000);
    running.channel().shutdownNow();
  }
}
