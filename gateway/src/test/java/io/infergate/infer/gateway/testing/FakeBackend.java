package io.infergate.infer.gateway.testing;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.router.Endpoint;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A model server stand-in that starts in milliseconds: a gRPC server that accepts every method and
 * answers raw bytes, recording what reached it (headers, deadlines, messages, cancellations), which
 * a real model server cannot show from outside. What it does with a call is chosen by the call's
 * {@link #BEHAVIOUR} header:
 *
 * <ul>
 *   <li>absent: echoes each message back (or what {@link #answerWith} makes of it) as it arrives
 *       (one for a unary call, each one for a stream) after the header {@code x-served-by: NAME},
 *       and ends with OK and the trailer {@code x-fake-trailer: done} when the caller half-closes;
 *   <li>{@code stall}: takes the call and never answers;
 *   <li>{@code delay:MILLIS}: answers as the echo does, all at once, that long after the caller
 *       half-closes: a model that takes its time;
 *   <li>{@code hold}: answers as the echo does once the test calls {@link #releaseHeld}, so that a
 *       test decides when a call in flight ends;
 *   <li>{@code fail:CODE:description}: ends with that status and the trailer {@code x-fake-trailer:
 *       failed} when the caller half-closes, without response headers (trailers-only), as a server
 *       that never reached its model answers; with the request header {@link #PUSHBACK} its value
 *       is sent back in the trailer {@code grpc-retry-pushback-ms}.
 *   <li>{@code half:BEHAVIOUR}: every second call behaves as {@code BEHAVIOUR}, the others echo: a
 *       model server failing half of its calls.
 * </ul>
 *
 * <p>{@link #behaveByDefault} sets what calls without the header get, such as a shadow that stalls
 * every copy.
 */
public final class FakeBackend implements AutoCloseable {
  public static final Metadata.Key<String> BEHAVIOUR = key("x-fake");
  public static final Metadata.Key<String> SERVED_BY = key("x-served-by");
  public static final Metadata.Key<String> TRAILER = key("x-fake-trailer");

  /** A request header whose value a failing call returns as {@code grpc-retry-pushback-ms}. */
  public static final Metadata.Key<String> PUSHBACK = key("x-fake-pushback");

  private static final Metadata.Key<String> RETRY_PUSHBACK = key("grpc-retry-pushback-ms");
  private static final long CLOSE_TIMEOUT_SECONDS = 10;

  private final String name;
  private final Endpoint endpoint;
  private final Server server;
  private final AtomicInteger calls = new AtomicInteger();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> cancellations = new LinkedBlockingQueue<>();

  /** Answers of {@code hold} calls, waiting for {@link #releaseHeld}. */
  private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();

  /** Answers {@code delay:MILLIS} calls; one thread, as the answers are tiny. */
  private final ScheduledExecutorService timer = Schedulers.daemon("fake-backend-timer");

  private volatile String defaultBehaviour;

  /** What the echo sends back for each message: the message itself unless a test says. */
  private volatile UnaryOperator<byte[]> answer = UnaryOperator.identity();

  private FakeBackend(String name, ServerBuilder<?> builder, Endpoint endpoint) throws IOException {
    this.name = name;
    this.server =
        builder
            .fallbackHandlerRegistry(
                new HandlerRegistry() {
                  @Override
                  public ServerMethodDefinition<?, ?> lookupMethod(
                      String method, String authority) {
                    return ServerMethodDefinition.create(
                        Requests.method(method, MethodType.BIDI_STREAMING), new Handler());
                  }
                })
            .build()
            .start();
    this.endpoint = endpoint != null ? endpoint : new Endpoint("127.0.0.1", port(server));
  }

  /**
   * Starts a backend on {@code builder}; {@code endpoint} is how the gateway's channels find it,
   * null for the socket the server binds.
   */
  public static FakeBackend start(String name, ServerBuilder<?> builder, Endpoint endpoint)
      throws IOException {
    return new FakeBackend(name, builder, endpoint);
  }

  public String name() {
    return name;
  }

  /** Where the gateway's routes point to reach this backend. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** What calls without a {@link #BEHAVIOUR} header get from now on; null to echo. */
  public void behaveByDefault(String behaviour) {
    defaultBehaviour = behaviour;
  }

  /**
   * What the echo answers each message with from now on (the answer to an OIP ModelInfer, say)
   * instead of the message itself; called on the call's thread.
   */
  public void answerWith(UnaryOperator<byte[]> answer) {
    this.answer = answer;
  }

  /** Calls started here. */
  public int calls() {
    return calls.get();
  }

  /** Every call that reached this backend, in arrival order. */
  public BlockingQueue<Received> received() {
    return received;
  }

  /** {@code hold} calls waiting for {@link #releaseHeld}: those whose caller has half-closed. */
  public int held() {
    return held.size();
  }

  /** Answers every {@code hold} call that has half-closed so far; later ones wait again. */
  public void releaseHeld() {
    for (Runnable answer; (answer = held.poll()) != null; ) {
      answer.run();
    }
  }

  /** The methods of calls that were cancelled here. */
  public BlockingQueue<String> cancellations() {
    return cancellations;
  }

  /**
   * Stops at once, failing the calls still here, and waits until the port is closed, so that a test
   * that stops a backend finds nothing listening there.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    server.shutdownNow();
    try {
      if (!server.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " did not stop in " + CLOSE_TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + name, e);
    }
  }

  private static int port(Server server) {
    return ((java.net.InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /**
   * One call as it reached the backend.
   *
   * @param method full method name
   * @param headers request headers
   * @param deadlineMillis time left on the call's deadline when it arrived, or -1 for none
   * @param messages request messages, added as they arrive
   */
  public record Received(
      String method, Metadata headers, long deadlineMillis, List<byte[]> messages) {}

  private final class Handler implements ServerCallHandler<byte[], byte[]> {
    @Override
    public ServerCall.Listener<byte[]> startCall(
        ServerCall<byte[], byte[]> call, Metadata headers) {
      int number = calls.incrementAndGet();
      Deadline deadline = Context.current().getDeadline();
      Received arrived =
          new Received(
              call.getMethodDescriptor().getFullMethodName(),
              headers,
              deadline == null ? -1 : deadline.timeRemaining(TimeUnit.MILLISECONDS),
              new CopyOnWriteArrayList<>());
      received.add(arrived);
      String chosen = headers.containsKey(BEHAVIOUR) ? headers.get(BEHAVIOUR) : defaultBehaviour;
      if (chosen != null && chosen.startsWith("half:")) {
        chosen = number % 2 == 0 ? chosen.substring("half:".length()) : null;
      }
      String behaviour = chosen;
      call.request(1);
      return new ServerCall.Listener<>() {
        private boolean headersSent;

        @Override
        public void onMessage(byte[] message) {
          arrived.messages().add(message);
          call.request(1);
          if (behaviour == null) {
            if (!headersSent) {
              Metadata out = new Metadata();
              out.put(SERVED_BY, name);
              call.sendHeaders(out);
              headersSent = true;
            }
            call.sendMessage(answer.apply(message));
          }
        }

        @Override
        public void onHalfClose() {
          Metadata trailers = new Metadata();
          if (behaviour == null) {
            trailers.put(TRAILER, "done");
            call.close(Status.OK, trailers);
          } else if (behaviour.equals("hold")) {
            held.add(this::answerAll);
          } else if (behaviour.startsWith("delay:")) {
            long millis = Long.parseLong(behaviour.substring("delay:".length()));
            timer.schedule(this::answerAll, millis, TimeUnit.MILLISECONDS);
          } else if (behaviour.startsWith("fail:")) {
            String[] parts = behaviour.split(":", 3);
            trailers.put(TRAILER, "failed");
            if (headers.containsKey(PUSHBACK)) {
              trailers.put(RETRY_PUSHBACK, headers.get(PUSHBACK));
            }
            call.close(
                Status.fromCode(Status.Code.valueOf(parts[1])).withDescription(parts[2]), trailers);
          }
        }

        @Override
        public void onCancel() {
          cancellations.add(call.getMethodDescriptor().getFullMethodName());
        }

        /**
         * The echo's answer in one go, from another thread than the call's: nothing else touches
         * the call once the caller has half-closed.
         */
        private void answerAll() {
          if (call.isCancelled()) {
            return;
          }
          Metadata out = new Metadata();
          out.put(SERVED_BY, name);
          call.sendHeaders(out);
          for (byte[] message : arrived.messages()) {
            call.sendMessage(answer.apply(message));
          }
          Metadata trailers = new Metadata();
          trailers.put(TRAILER, "done");
          call.close(Status.OK, trailers);
        }
      };
    }
  }
}
