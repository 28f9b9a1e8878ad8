package io.infergate.infer.perf.gateway;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.perf.ListenAddress;
import io.infergate.infer.perf.kit.RawMethods;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The backend of the proxy-cost benchmark: answers every {@code ModelInfer} with the same
 * precomputed bytes (what {@code digits} v2 answers for one row), on the event loop, so that the
 * backend costs little and what a proxy adds shows. It checks the request's model name, so a proxy
 * that mangles bodies fails loudly, and counts the calls it served, so the benchmark can tell calls
 * that reached it from gRPC errors that h2load counts as successes.
 */
@Command(
    name = "fixed-response-backend",
    description = "Answers OIP ModelInfer with fixed bytes; the backend of the gateway benchmark.")
public final class FixedResponseBackend implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;

  @Mixin ListenAddress listen;

  @Option(names = "--label", defaultValue = "0", description = "the class the answer names")
  int label;

  private final LongAdder served = new LongAdder();

  public static void main(String[] args) {
    System.exit(new CommandLine(new FixedResponseBackend()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    byte[] answer = DigitsMessages.response(label).toByteArray();
    byte[] modelPrefix =
        DigitsMessages.request(0).toBuilder()
            .clearInputs()
            .clearRawInputContents()
            .clearModelVersion()
            .build()
            .toByteArray();
    Server server =
        listen
            .serverBuilder()
            .directExecutor()
            .addService(
                unary(
                    RawMethods.MODEL_INFER,
                    (request, observer) -> {
                      if (!startsWith(request, modelPrefix)) {
                        observer.onError(
                            Status.INVALID_ARGUMENT
                                .withDescription("request does not start with model_name digits")
                                .asRuntimeException());
                        return;
                      }
                      served.increment();
                      observer.onNext(answer);
                      observer.onCompleted();
                    }))
            .addService(
                unary(
                    RawMethods.CALLS_SERVED,
                    (request, observer) -> {
                      observer.onNext(
                          ByteBuffer.allocate(Long.BYTES).putLong(served.sum()).array());
                      observer.onCompleted();
                    }))
            .build();
    listen.serveUntilStopped(server, "backend listening on ");
    return 0;
  }

  /** A service of the one raw unary {@code method}, answered by {@code answer}. */
  private static ServerServiceDefinition unary(
      MethodDescriptor<byte[], byte[]> method, ServerCalls.UnaryMethod<byte[], byte[]> answer) {
    return ServerServiceDefinition.builder(method.getServiceName())
        .addMethod(method, ServerCalls.asyncUnaryCall(answer))
        .build();
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
