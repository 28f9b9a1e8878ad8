package io.infergate.infer.modelserver.grpc;

import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.InferenceException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses: one table from {@link InferenceException.Kind}
 * to status code. Anything that is not an {@link InferenceException} is a bug and answers INTERNAL
 * with a log.
 */
final class Statuses {
  /**
   * How close to its deadline a caller's cancellation counts as the deadline passing: a client
   * cancels (RST_STREAM) when its own copy of the deadline passes, which arrives just before this
   * server's copy does (the request's transit is in one and not the other). Without the grace, a
   * call that ran out of time in a queue would be counted as cancelled by its caller, not as a
   * deadline this server missed. The gateway uses the same 10 ms.
   */
  private static final long DEADLINE_GRACE_MILLIS = 10;

  private static final Logger log = LoggerFactory.getLogger(Statuses.class);

  /** TF Serving truncates long messages the same way, so a hostile request cannot bloat answers. */
  private static final int MAX_DESCRIPTION_CHARS = 1024;

  /**
   * gRFC A6 retry pushback: when a shed call may be retried, in milliseconds. Sent with every
   * RESOURCE_EXHAUSTED this server sheds (never UNAVAILABLE, which clients retry by default).
   */
  static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private Statuses() {}

  /** Answers {@code observer} with the status {@code failure} stands for. */
  static void reply(StreamObserver<?> observer, Throwable failure) {
    reply(observer, failure, null);
  }

  /**
   * As {@link #reply(StreamObserver, Throwable)}, for a call with {@code deadline} (or null), which
   * tells a call that was abandoned past its deadline from one that was cancelled.
   */
  static void reply(StreamObserver<?> observer, Throwable failure, Deadline deadline) {
    send(observer, toStatus(failure, deadline), failure);
  }

  /**
   * Answers {@code observer} with {@code status}, decided for {@code failure} by {@link #toStatus}.
   */
  static void send(StreamObserver<?> observer, Status status, Throwable failure) {
    Metadata trailers = null;
    if (failure instanceof InferenceException e && e.kind() == InferenceException.Kind.OVERLOADED) {
      trailers = new Metadata();
      trailers.put(RETRY_PUSHBACK_MS, Long.toString(e.retryAfterMillis()));
    }
    observer.onError(status.asRuntimeException(trailers));
  }

  /** The status for {@code failure}, on a call with {@code deadline} (or null). */
  static Status toStatus(Throwable failure, Deadline deadline) {
    if (failure instanceof StatusRuntimeException known) {
      return known.getStatus();
    }
    InferenceException e = InferenceException.from(failure);
    Status status =
        switch (e.kind()) {
          case BAD_INPUT -> Status.INVALID_ARGUMENT;
          case OUT_OF_RANGE -> Status.OUT_OF_RANGE;
          case NOT_FOUND -> Status.NOT_FOUND;
          case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
          case RESOURCE_EXHAUSTED, OVERLOADED -> Status.RESOURCE_EXHAUSTED;
          case UNIMPLEMENTED -> Status.UNIMPLEMENTED;
          case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
          case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
          case SHUTTING_DOWN -> Status.UNAVAILABLE;
          case ABANDONED ->
              deadline != null
                      && deadline.timeRemaining(TimeUnit.MILLISECONDS) <= DEADLINE_GRACE_MILLIS
                  ? Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded " + e.getMessage())
                  : Status.CANCELLED.withDescription("call cancelled " + e.getMessage());
          case INTERNAL -> {
            log.error("Unexpected failure while serving a call", e.getCause());
            yield Status.INTERNAL;
          }
        };
    return status.getDescription() != null
        ? status
        : status.withDescription(truncate(e.getMessage()));
  }

  private static String truncate(String description) {
    if (description == null || description.length() <= MAX_DESCRIPTION_CHARS) {
      return description;
    }
    return description.substring(0, MAX_DESCRIPTION_CHARS) + "...TRUNCATED";
  }
}
