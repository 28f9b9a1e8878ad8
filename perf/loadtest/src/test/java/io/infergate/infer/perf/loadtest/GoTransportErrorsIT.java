package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.infergate.infer.perf.loadtest.testing.TestServer;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** grpc-java's real transport failures, worded as grpc-go words them. */
class GoTransportErrorsIT {
  private static Status call(ManagedChannel channel) throws InterruptedException {
    try {
      ClientCalls.blockingUnaryCall(
          channel,
          PreEncodedMethod.unary("inference.GRPCInferenceService/ModelInfer"),
          CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
          new byte[0]);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRefusedConnectionIsGrpcGosDialError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    Status st = call(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    assertThat(Recorder.errorText(GoTransportErrors.inGoWords(st, null, null)))
        .isEqualTo(
            "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error"
                + " while dialing: dial tcp 127.0.0.1:"
                + port
                + ": connect: connection refused\"");
  }

  @Test
  void tlsToAPlaintextServerIsGrpcGosHandshakeError() throws Exception {
    try (TestServer server = TestServer.start()) {
      Status st =
          call(
              NettyChannelBuilder.forTarget(server.target())
                  .sslContext(GrpcSslContexts.forClient().build())
                  .build());
      assertThat(Recorder.errorText(GoTransportErrors.inGoWords(st, null, null)))
          .isEqualTo(
              "rpc error: code = Unavailable desc = connection error: desc = \"transport:"
                  + " authentication handshake failed: tls: first record does not look like a TLS"
                  + " handshake\"");
    }
  }
}
