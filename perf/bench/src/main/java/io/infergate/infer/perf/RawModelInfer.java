package io.infergate.infer.perf;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.infergate.infer.perf.kit.RawMethods;
import java.util.concurrent.TimeUnit;

/**
 * One ModelInfer call of raw bytes that reports its status, headers and trailers as it ends, as the
 * load generators that judge whole answers send them ({@link OpenLoopLoad} and the resilience
 * suite's closed loop).
 */
public final class RawModelInfer {
  /** How a call ended. */
  public interface Ending {
    /**
     * @param headers the response headers, or null when the answer was trailers only
     */
    void ended(Status status, Metadata headers, Metadata trailers);
  }

  private RawModelInfer() {}

  /**
   * Sends {@code request} on {@code channel} and tells {@code ending} how it ended, on a transport
   * thread.
   *
   * @param deadlineNanos the call's deadline; 0 or less for none
   */
  public static void send(Channel channel, byte[] request, long deadlineNanos, Ending ending) {
    CallOptions options =
        deadlineNanos > 0
            ? CallOptions.DEFAULT.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
            : CallOptions.DEFAULT;
    ClientCall<byte[], byte[]> call = channel.newCall(RawMethods.MODEL_INFER, options);
    call.start(
        new ClientCall.Listener<>() {
          private Metadata headers;

          @Override
          public void onHeaders(Metadata received) {
            headers = received;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            ending.ended(status, headers, trailers);
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(request);
    call.halfClose();
  }

  /** Closes {@code channel} now, waiting up to 5 s for it to end. */
  public static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
