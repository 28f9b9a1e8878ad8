package io.infergate.infer.perf;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A fixed-rate (open-loop) unary load: one thread starts call {@code i} at its intended time {@code
 * start + i / rate} whatever happened to earlier calls, and each latency is measured from that
 * intended time, so time spent queued behind a slow server, or behind this sender falling late,
 * counts (no coordinated omission). Calls are raw bytes on one channel with a direct executor, so
 * the generator's own cost per call stays small.
 *
 * <p>An optional {@link CallObserver} sees every measured call's status, response headers and
 * trailers (the reliability suite tallies codes, {@code x-variant} and {@code x-fallback} from
 * them); the rate search needs none.
 */
public final class OpenLoopLoad implements AutoCloseable {
  private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** How long {@link #run} waits for calls without a deadline to end before it gives up on them. */
  private static final long DRAIN_WITHOUT_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ManagedChannel channel;
  private final byte[] request;
  private final long deadlineNanos;
  private final CallObserver observer;

  /**
   * @param deadlineNanos each call's deadline; 0 or less for none
   */
  public OpenLoopLoad(String target, byte[] request, long deadlineNanos) {
    this(target, request, deadlineNanos, CallObserver.NONE);
  }

  /**
   * @param deadlineNanos each call's deadline; 0 or less for none
   * @param observer told of each measured call as it ends, on a transport thread
   */
  public OpenLoopLoad(String target, byte[] request, long deadlineNanos, CallObserver observer) {
    this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().build();
    this.request = request.clone();
    this.deadlineNanos = deadlineNanos;
    this.observer = observer;
  }

  /**
   * Sends at {@code ratePerSecond} for {@code warmupNanos + measureNanos}, recording only the calls
   * intended after the warm-up, then waits for every call to finish (for the deadline and 2 s more,
   * or 10 s when calls have no deadline; calls still running then count as failed).
   */
  public Result run(double ratePerSecond, long warmupNanos, long measureNanos, int maxOutstanding)
      throws InterruptedException {
    return run(
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1),
        ratePerSecond,
        warmupNanos,
        measureNanos,
        maxOutstanding);
  }

  /**
   * {@link #run(double, long, long, int)} with the first call intended at {@code startNanos} (a
   * {@link System#nanoTime()}), so that a caller can line up its own events (a server killed at 5
   * s) with the load's clock. A start already past sends the calls due at once, late.
   */
  public Result run(
      long startNanos,
      double ratePerSecond,
      long warmupNanos,
      long measureNanos,
      int maxOutstanding)
      throws InterruptedException {
    Recorder recorder = new Recorder(MAX_LATENCY_NANOS, 3);
    AtomicLong outstanding = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastError = new AtomicLong(-1);
    AtomicLong ended = new AtomicLong();
    long skipped = 0;
    long sent = 0;
    double intervalNanos = 1e9 / ratePerSecond;
    long start = startNanos;
    long measureFrom = start + warmupNanos;
    long end = measureFrom + measureNanos;
    for (long i = 0; ; i++) {
      long intended = start + (long) (i * intervalNanos);
      if (intended >= end) {
        break;
      }
      long now = System.nanoTime();
      while (now < intended) {
        LockSupport.parkNanos(intended - now);
        now = System.nanoTime();
      }
      boolean measured = intended >= measureFrom;
      if (outstanding.get() >= maxOutstanding) {
        // The server fell hopelessly behind; counting these as failures ends the step honestly
        // without piling up unbounded memory.
        if (measured) {
          skipped++;
          observer.notSent(intended);
        }
        continue;
      }
      outstanding.incrementAndGet();
      if (measured) {
        sent++;
      }
      send(intended, measured, recorder, outstanding, ok, errors, lastError, ended);
    }
    long sendEnd = System.nanoTime();
    long drainDeadline =
        sendEnd
            + (deadlineNanos > 0 ? deadlineNanos : DRAIN_WITHOUT_DEADLINE_NANOS)
            + TimeUnit.SECONDS.toNanos(2);
    while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(5);
    }
    Histogram histogram = recorder.getIntervalHistogram();
    return new Result(
        ratePerSecond,
        sent,
        ok.get(),
        errors.get() + skipped + outstanding.get(),
        outstanding.get(),
        lastError.get() < 0 ? null : Status.Code.values()[(int) lastError.get()],
        (sendEnd - measureFrom) / 1e9,
        histogram,
        ended.get());
  }

  private void send(
      long intendedNanos,
      boolean measured,
      Recorder recorder,
      AtomicLong outstanding,
      AtomicLong ok,
      AtomicLong errors,
      AtomicLong lastError,
      AtomicLong ended) {
    RawModelInfer.send(
        channel,
        request,
        deadlineNanos,
        (status, headers, trailers) -> {
          long now = System.nanoTime();
          long latency = now - intendedNanos;
          if (measured) {
            if (status.isOk()) {
              recorder.recordValue(Math.min(latency, MAX_LATENCY_NANOS));
              ok.incrementAndGet();
            } else {
              errors.incrementAndGet();
              lastError.set(status.getCode().ordinal());
            }
            observer.ended(intendedNanos, now, status, headers, trailers);
          }
          ended.incrementAndGet();
          outstanding.decrementAndGet();
        });
  }

  @Override
  public void close() {
    RawModelInfer.close(channel);
  }

  /**
   * One step at a fixed rate.
   *
   * @param requestedPerSecond the rate asked for
   * @param sent calls started in the measured window
   * @param ok of those, calls that ended OK
   * @param failed of those, calls that ended in error, were never sent because too many were
   *     outstanding, or had not ended after the drain
   * @param unfinished of the failed, calls that had not ended after the drain
   * @param lastError the code of the last error, or null
   * @param seconds length of the measured window
   * @param latencyNanos latencies of the OK calls, from their intended start
   * @param allEnded every call that ended in the step, warm-up included (what CPU was spent on)
   */
  public record Result(
      double requestedPerSecond,
      long sent,
      long ok,
      long failed,
      long unfinished,
      Status.Code lastError,
      double seconds,
      Histogram latencyNanos,
      long allEnded) {

    public double achievedPerSecond() {
      return ok / seconds;
    }

    public double percentileMillis(double percentile) {
      return ok == 0 ? Double.NaN : latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
  }
}
