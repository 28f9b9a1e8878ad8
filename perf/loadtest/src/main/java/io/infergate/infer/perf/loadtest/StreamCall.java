package io.infergate.infer.perf.loadtest;

import io.grpc.ClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call of a streaming method, driven as ghz's worker ({@code runner/worker.go}) drives it:
 *
 * <ul>
 *   <li>client and bidi streaming send the stream's messages in order, pausing {@code
 *       --stream-interval} between two sends, until the data is used up, {@code
 *       --stream-call-count} messages went out (cycling through the data) or {@code
 *       --stream-call-duration} elapsed; then half-close;
 *   <li>server streaming sends one message, half-closes and reads every answer; after {@code
 *       --stream-call-count} answers or {@code --stream-call-duration} it cancels the call (ghz
 *       cancels its context, so the call ends {@code Canceled}: "context canceled");
 *   <li>answers are read as they come (bidi reads while it sends); the call ends at its status.
 * </ul>
 *
 * The runner's listener ({@code outcome}, the delegate) is forwarded the headers and the status, so
 * a stream is one "call" in the report, timed from its start to its status as ghz's stats handler
 * times it; answers and readiness stop here (the stream counts the one and sends on the other).
 * Sending honours grpc-java's flow control ({@code isReady}/{@code onReady}) so a fast stream never
 * buffers without bound; pauses wait on the runner's timer, never in a thread.
 */
final class StreamCall extends SimpleForwardingClientCallListener<byte[]> {
  /** grpc-go's words for a call whose context the client cancelled. */
  static final String CANCELLED_BY_CLIENT = "context canceled";

  /** The messages one stream sends: the {@code i}-th, and how many the data holds. */
  interface Messages {
    byte[] get(long i);

    long inData();
  }

  /**
   * How every stream of one method runs: whether the client sends several messages, whether the
   * server answers with several, and the {@code --stream-*} limits.
   */
  record Rules(boolean clientSends, boolean serverStreams, Streaming limits) {}

  private final ClientCall<byte[], byte[]> call;
  private final Rules rules;
  private final Messages messages;
  private final ScheduledExecutorService timer;
  private final long sendLimit;

  private final Object lock = new Object();
  // Guarded by lock: grpc-java allows one thread at a time on sendMessage and halfClose, and sends
  // start from the caller, the transport's onReady and the timer.
  private long sent;
  private boolean sendingOver;
  private boolean closed;
  private boolean pausing;
  private ScheduledFuture<?> pause;
  private ScheduledFuture<?> timeLimit;

  // Only touched from grpc-java's serialized listener callbacks.
  private long received;

  StreamCall(
      ClientCall<byte[], byte[]> call,
      ClientCall.Listener<byte[]> outcome,
      Rules rules,
      Messages messages,
      ScheduledExecutorService timer) {
    super(outcome);
    this.call = call;
    this.rules = rules;
    this.messages = messages;
    this.timer = timer;
    this.sendLimit =
        rules.limits().callCount() > 0 ? rules.limits().callCount() : messages.inData();
  }

  void start(Metadata headers) {
    call.start(this, headers);
    call.request(1);
    if (!rules.clientSends()) {
      call.sendMessage(messages.get(0));
      call.halfClose();
      synchronized (lock) {
        sendingOver = true;
      }
    }
    if (rules.limits().callDurationNanos() > 0) {
      synchronized (lock) {
        if (!closed) {
          timeLimit = schedule(this::timeUp, rules.limits().callDurationNanos());
        }
      }
    }
    if (rules.clientSends()) {
      sendMore();
    }
  }

  @Override
  public void onReady() {
    if (rules.clientSends()) {
      sendMore();
    }
  }

  @Override
  public void onMessage(byte[] message) {
    received++;
    long answerLimit = rules.limits().callCount();
    if (rules.serverStreams()
        && !rules.clientSends()
        && answerLimit > 0
        && received >= answerLimit) {
      call.cancel(CANCELLED_BY_CLIENT, null);
      return;
    }
    call.request(1);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    synchronized (lock) {
      sendingOver = true;
      closed = true;
      cancel(pause);
      cancel(timeLimit);
    }
    super.onClose(status, trailers);
  }

  private void sendMore() {
    synchronized (lock) {
      while (!sendingOver && !pausing) {
        if (sent >= sendLimit) {
          endSending();
          return;
        }
        if (!call.isReady()) {
          return; // onReady sends on
        }
        call.sendMessage(messages.get(sent));
        sent++;
        if (sent >= sendLimit) {
          endSending();
          return;
        }
        if (rules.limits().intervalNanos() > 0) {
          pausing = true;
          pause = schedule(this::resume, rules.limits().intervalNanos());
          return;
        }
      }
    }
  }

  private void resume() {
    synchronized (lock) {
      pausing = false;
    }
    sendMore();
  }

  private void timeUp() {
    if (!rules.clientSends()) {
      call.cancel(CANCELLED_BY_CLIENT, null);
      return;
    }
    synchronized (lock) {
      if (!sendingOver) {
        cancel(pause);
        endSending();
      }
    }
  }

  /** Half-closes once; the caller holds the lock. */
  private void endSending() {
    sendingOver = true;
    cancel(timeLimit);
    if (!closed) {
      call.halfClose();
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The run is over and its timer gone: stop where the stream stands.
      call.cancel(CANCELLED_BY_CLIENT, null);
      return null;
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
