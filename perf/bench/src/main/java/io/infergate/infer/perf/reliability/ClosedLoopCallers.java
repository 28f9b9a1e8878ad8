package io.infergate.infer.perf.reliability;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.perf.CallObserver;
import io.infergate.infer.perf.RawModelInfer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of callers, each sending its next ModelInfer call when its previous one ends
 * (after an optional pause), over one connection, raw bytes, each call reported to a {@link
 * CallObserver} with its headers and trailers. The kit's {@code ClosedLoop} counts codes but sees
 * no headers, and the scenarios judge {@code x-variant}, so this one reports whole answers.
 */
final class ClosedLoopCallers implements AutoCloseable {
  private final ManagedChannel channel;
  private final byte[] request;
  private final long deadlineNanos;
  private final long pauseNanos;
  private final ScheduledExecutorService pauses;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile CallObserver observer = CallObserver.NONE;
  private volatile boolean running;

  /**
   * @param deadlineNanos each call's deadline; 0 or less for none
   * @param pauseNanos how long a caller waits after an answer before its next call; 0 for none
   */
  ClosedLoopCallers(String target, byte[] request, long deadlineNanos, long pauseNanos) {
    this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().build();
    this.request = request.clone();
    this.deadlineNanos = deadlineNanos;
    this.pauseNanos = pauseNanos;
    this.pauses = Schedulers.daemon("closed-loop-pauses");
  }

  /**
   * Runs {@code callers} callers for {@code durationNanos}, each call reported to {@code observer},
   * then waits up to {@code drainNanos} for the calls in flight to end.
   *
   * @return calls still in flight after the drain (never reported to the observer)
   */
  int run(CallObserver observer, int callers, long durationNanos, long drainNanos)
      throws InterruptedException {
    this.observer = observer;
    running = true;
    for (int i = 0; i < callers; i++) {
      inFlight.incrementAndGet();
      send();
    }
    TimeUnit.NANOSECONDS.sleep(durationNanos);
    running = false;
    long drainDeadline = System.nanoTime() + drainNanos;
    while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(5);
    }
    return inFlight.get();
  }

  private void send() {
    long start = System.nanoTime();
    RawModelInfer.send(
        channel,
        request,
        deadlineNanos,
        (status, headers, trailers) -> {
          observer.ended(start, System.nanoTime(), status, headers, trailers);
          next();
        });
  }

  private void next() {
    if (!running) {
      inFlight.decrementAndGet();
    } else if (pauseNanos > 0) {
      pauses.schedule(this::send, pauseNanos, TimeUnit.NANOSECONDS);
    } else {
      send();
    }
  }

  @Override
  public void close() {
    running = false;
    pauses.shutdownNow();
    RawModelInfer.close(channel);
  }
}
