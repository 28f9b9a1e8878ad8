package io.infergate.infer.perf.loadtest.testing;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.observability.transport.Shutdowns;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import io.infergate.infer.proto.oip.v2.ServerLiveRequest;
import io.infergate.infer.proto.oip.v2.ServerLiveResponse;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OIP server on 127.0.0.1:0 whose ModelInfer answers at once (or after a fixed service time),
 * fails every k-th call, stalls once for a while, and tags answers with {@code x-variant} by a
 * deterministic 90/10 split. Serves reflection v1 and v1alpha, as the model server does.
 */
public final class TestServer implements AutoCloseable {
  public static final Metadata.Key<String> VARIANT =
      Metadata.Key.of("x-variant", Metadata.ASCII_STRING_MARSHALLER);

  private final Server server;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong tagged = new AtomicLong();
  private final ConcurrentLinkedQueue<ModelInferRequest> seen = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> seenHeaders = new ConcurrentLinkedQueue<>();
  private volatile long failEvery;
  private volatile boolean variants;
  private volatile long stallAfterCalls = -1;
  private volatile long stallNanos;
  private volatile long stallUntil;
  private volatile long serviceNanos;
  private volatile long busyUntil;

  private TestServer() {
    ServerInterceptor variantTagger =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String h = headers.get(Metadata.Key.of("x-test", Metadata.ASCII_STRING_MARSHALLER));
            if (h != null) {
              seenHeaders.add(h);
            }
            String variant =
                tagged.incrementAndGet() % 10 == 0 ? "canary;version=2" : "stable;version=1";
            return next.startCall(
                new SimpleForwardingServerCall<>(call) {
                  private boolean headersSent;

                  @Override
                  public void sendHeaders(Metadata responseHeaders) {
                    headersSent = true;
                    if (variants) {
                      responseHeaders.put(VARIANT, variant);
                    }
                    super.sendHeaders(responseHeaders);
                  }

                  @Override
                  public void close(Status status, Metadata trailers) {
                    if (variants && !headersSent) {
                      trailers.put(VARIANT, variant); // a trailers-only answer (an error)
                    }
                    super.close(status, trailers);
                  }
                },
                headers);
          }
        };
    server =
        Loopback.start(
            Loopback.builder()
                .directExecutor()
                .addService(ServerInterceptors.intercept(new Service(), variantTagger))
                .addService(legacyReflection()));
  }

  @SuppressWarnings("deprecation") // v1alpha is what older clients speak; serve both
  private static io.grpc.BindableService legacyReflection() {
    return ProtoReflectionService.newInstance();
  }

  public static TestServer start() {
    return new TestServer();
  }

  public String target() {
    return Loopback.target(server);
  }

  public int port() {
    return server.getPort();
  }

  /** Every {@code k}-th call fails with INTERNAL "boom". */
  public TestServer failEvery(long k) {
    this.failEvery = k;
    return this;
  }

  /** Tags responses with x-variant: every 10th call canary, the rest stable. */
  public TestServer withVariants() {
    this.variants = true;
    return this;
  }

  /** Once {@code afterCalls} calls have arrived, answers nothing for {@code millis} ms. */
  public TestServer stallOnce(long afterCalls, long millis) {
    this.stallNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    this.stallAfterCalls = afterCalls;
    return this;
  }

  /** Serves one call at a time, each taking {@code micros}: a server with a fixed capacity. */
  public TestServer serialServiceTime(long micros) {
    this.serviceNanos = TimeUnit.MICROSECONDS.toNanos(micros);
    return this;
  }

  public long calls() {
    return calls.get();
  }

  public List<ModelInferRequest> requests() {
    return List.copyOf(seen);
  }

  public List<String> testHeaders() {
    return List.copyOf(seenHeaders);
  }

  @Override
  public void close() {
    Shutdowns.closeNow(server);
    timer.shutdownNow();
  }

  private final class Service extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
      out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
      out.onCompleted();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
      long n = calls.incrementAndGet();
      if (n <= 10_000) { // ConcurrentLinkedQueue.size() walks the queue: count by n instead
        seen.add(request);
      }
      long now = System.nanoTime();
      if (n == stallAfterCalls) {
        stallUntil = now + stallNanos;
      }
      long readyAt = now;
      if (stallUntil - now > 0) {
        readyAt = stallUntil;
      }
      if (serviceNanos > 0) {
        synchronized (this) {
          long startAt = Math.max(readyAt, busyUntil);
          busyUntil = startAt + serviceNanos;
          readyAt = busyUntil;
        }
      }
      Runnable answer =
          () -> {
            if (failEvery > 0 && n % failEvery == 0) {
              out.onError(Status.INTERNAL.withDescription("boom").asRuntimeException());
              return;
            }
            out.onNext(
                ModelInferResponse.newBuilder()
                    .setModelName(request.getModelName())
                    .setId(request.getId())
                    .build());
            out.onCompleted();
          };
      long delay = readyAt - System.nanoTime();
      if (delay > 0) {
        timer.schedule(answer, delay, TimeUnit.NANOSECONDS);
      } else {
        answer.run();
      }
    }
  }
}
