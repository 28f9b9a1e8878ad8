package io.infergate.infer.demo;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends prepared requests round and round at a fixed rate (open loop: a slow answer does not slow
 * the sending), counting answers, failures and the classes predicted, until closed.
 */
final class Replay implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 10;

  private final GRPCInferenceServiceStub stub;
  private final List<ModelInferRequest> requests;
  private final ScheduledExecutorService sender = Schedulers.daemon("replay");
  // Calls in flight are those sent and neither answered nor failed yet.
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLongArray predicted = new AtomicLongArray(10);

  private Replay(Channel channel, List<ModelInferRequest> requests) {
    this.stub = GRPCInferenceServiceGrpc.newStub(channel);
    this.requests = List.copyOf(requests);
  }

  /** Starts sending {@code requests} over {@code channel}, {@code callsPerSecond} a second. */
  static Replay start(Channel channel, List<ModelInferRequest> requests, double callsPerSecond) {
    if (!(callsPerSecond > 0)) {
      throw new IllegalArgumentException("--rate: " + callsPerSecond + " (expected: > 0)");
    }
    Replay replay = new Replay(channel, requests);
    long periodNanos = Math.max(1, (long) (1e9 / callsPerSecond));
    replay.sender.scheduleAtFixedRate(replay::sendOne, 0, periodNanos, TimeUnit.NANOSECONDS);
    return replay;
  }

  private void sendOne() {
    // One sender thread: the count of calls sent also picks the next request, round and round.
    ModelInferRequest request = requests.get((int) (sent.getAndIncrement() % requests.size()));
    stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .modelInfer(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(ModelInferResponse response) {
                for (long c : response.getOutputs(0).getContents().getInt64ContentsList()) {
                  if (c >= 0 && c < predicted.length()) {
                    predicted.incrementAndGet((int) c);
                  }
                }
              }

              @Override
              public void onError(Throwable t) {
                failed.incrementAndGet();
              }

              @Override
              public void onCompleted() {
                answered.incrementAndGet();
              }
            });
  }

  /** What the replay has counted so far. */
  Counts counts() {
    long[] classes = new long[predicted.length()];
    for (int c = 0; c < classes.length; c++) {
      classes[c] = predicted.get(c);
    }
    return new Counts(sent.get(), answered.get(), failed.get(), classes);
  }

  /** Stops sending and waits (up to the deadline) for the calls in flight to end. */
  @Override
  public void close() {
    sender.shutdownNow();
    try {
      sender.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS + 1);
      while (sent.get() > answered.get() + failed.get() && System.nanoTime() < until) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A replay's tally.
   *
   * @param sent calls sent
   * @param answered calls answered with OK
   * @param failed calls that failed
   * @param predicted rows predicted as each class
   */
  record Counts(long sent, long answered, long failed, long[] predicted) {}
}
