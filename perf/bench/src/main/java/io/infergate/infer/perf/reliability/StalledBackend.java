package io.infergate.infer.perf.reliability;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.observability.transport.RawMarshaller;
import io.infergate.infer.perf.ListenAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * A backend that is up but stuck, the failure a health check on the TCP port cannot see: it accepts
 * connections, completes the HTTP/2 and gRPC handshakes, takes every call of every method and never
 * answers any (no headers, no message, no status) until the caller gives up. A call with a deadline
 * ends with the caller's DEADLINE_EXCEEDED; one without hangs.
 */
@Command(
    name = "stalled-backend",
    description =
        "Accepts every gRPC call and never answers; the stuck canary of reliability-bench.")
public final class StalledBackend implements Callable<Integer> {
  /** What it prints once it listens, followed by {@code HOST:PORT}. */
  static final String READY = "stalled backend listening on ";

  @Mixin HelpAndVersion helpAndVersion;

  @Mixin ListenAddress listen;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StalledBackend()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Server server = listen.serverBuilder().fallbackHandlerRegistry(new NeverAnswering()).build();
    listen.serveUntilStopped(server, READY);
    return 0;
  }

  /** Every method, a handler that keeps the call open and never says anything. */
  private static final class NeverAnswering extends HandlerRegistry {
    private final ConcurrentMap<String, ServerMethodDefinition<byte[], byte[]>> methods =
        new ConcurrentHashMap<>();
    private final ServerCallHandler<byte[], byte[]> handler = new Silent();

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      // Callers send a handful of method names; the map cannot grow past them.
      return methods.computeIfAbsent(
          methodName, name -> ServerMethodDefinition.create(RawMarshaller.unary(name), handler));
    }
  }

  private static final class Silent implements ServerCallHandler<byte[], byte[]> {
    @Override
    public ServerCall.Listener<byte[]> startCall(
        ServerCall<byte[], byte[]> call, Metadata headers) {
      // Reads the request (so flow control never blocks the caller) and drops it.
      call.request(1);
      return new ServerCall.Listener<>() {};
    }
  }
}
