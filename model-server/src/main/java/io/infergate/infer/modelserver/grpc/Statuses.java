package io.infergate.infer.modelserver.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.batching.BatchedCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFPermissionDeniedException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnauthenticatedException;
import org.tensorflow.exceptions.TFUnimplementedException;

/**
 * The one place where failures become gRPC statuses. Request problems are raised as {@link
 * Rejection}s built here (without stack traces: they are answers, not bugs); TensorFlow's
 * exceptions map 1:1 onto the codes they carry; anything else is a bug and answers INTERNAL with a
 * log.
 */
final class Statuses {
  private static final Logger log = LoggerFactory.getLogger(Statuses.class);

  /** TF Serving truncates long messages the same way, so a hostile request cannot bloat answers. */
  private static final int MAX_DESCRIPTION_CHARS = 1024;

  /**
   * gRFC A6 retry pushback: when a shed call may be retried, in milliseconds. Sent with every
   * RESOURCE_EXHAUSTED this server sheds (never UNAVAILABLE, which clients retry by default).
   */
  static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private static final Status EXPIRED_WHILE_QUEUED =
      Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded while queued for a batch");
  private static final Status CANCELLED_WHILE_QUEUED =
      Status.CANCELLED.withDescription("call cancelled while queued for a batch");
  private static final Status SHUTTING_DOWN =
      Status.UNAVAILABLE.withDescription("model server is shutting down");

  private Statuses() {}

  static Rejection invalidArgument(String description) {
    return error(Status.INVALID_ARGUMENT, description);
  }

  static Rejection notFound(String description) {
    return error(Status.NOT_FOUND, description);
  }

  static Rejection failedPrecondition(String description) {
    return error(Status.FAILED_PRECONDITION, description);
  }

  /**
   * A batching queue is full: shed with RESOURCE_EXHAUSTED and a retry pushback hint, as the
   * project sheds everywhere (docs: reliability §11).
   */
  static Rejection queueFull(String model, long version, int queueCapacity, long pushbackMillis) {
    Metadata trailers = new Metadata();
    trailers.put(RETRY_PUSHBACK_MS, Long.toString(pushbackMillis));
    return new Rejection(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "model '"
                + model
                + "' version "
                + version
                + ": batching queue is full ("
                + queueCapacity
                + " calls, the queueCapacity)"),
        trailers);
  }

  /**
   * Every worker is busy and {@code capacity} calls wait for one: shed as a full batch queue is.
   */
  static Rejection workersBusy(int capacity, long pushbackMillis) {
    Metadata trailers = new Metadata();
    trailers.put(RETRY_PUSHBACK_MS, Long.toString(pushbackMillis));
    return new Rejection(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "model server is busy: "
                + capacity
                + " calls are waiting for a worker (the workerQueueCapacity)"),
        trailers);
  }

  static Rejection shuttingDown() {
    return new Rejection(SHUTTING_DOWN, null);
  }

  /** The answer to a queued call that did not run. */
  static Status notRun(BatchedCall.NotRun reason, Context context) {
    if (reason == BatchedCall.NotRun.SHUTDOWN) {
      return SHUTTING_DOWN;
    }
    Deadline deadline = context.getDeadline();
    return deadline != null && deadline.isExpired() ? EXPIRED_WHILE_QUEUED : CANCELLED_WHILE_QUEUED;
  }

  /** Answers {@code observer} with the status {@code failure} stands for. */
  static void reply(StreamObserver<?> observer, RuntimeException failure) {
    Metadata trailers = failure instanceof Rejection rejection ? rejection.trailers : null;
    observer.onError(toStatus(failure).asRuntimeException(trailers));
  }

  static Status toStatus(RuntimeException failure) {
    if (failure instanceof Rejection rejection) {
      return rejection.status();
    }
    if (failure instanceof StatusRuntimeException known) {
      return known.getStatus();
    }
    Status status = tensorFlowStatus(failure);
    if (status != null) {
      return status.withDescription(truncate(failure.getMessage()));
    }
    log.error("Unexpected failure while serving a call", failure);
    return Status.INTERNAL.withDescription("internal error: " + failure.getClass().getSimpleName());
  }

  private static Status tensorFlowStatus(RuntimeException failure) {
    if (failure instanceof TFInvalidArgumentException) {
      return Status.INVALID_ARGUMENT;
    } else if (failure instanceof TFFailedPreconditionException) {
      return Status.FAILED_PRECONDITION;
    } else if (failure instanceof TFOutOfRangeException) {
      return Status.OUT_OF_RANGE;
    } else if (failure instanceof TFResourceExhaustedException) {
      return Status.RESOURCE_EXHAUSTED;
    } else if (failure instanceof TFUnimplementedException) {
      return Status.UNIMPLEMENTED;
    } else if (failure instanceof TFPermissionDeniedException) {
      return Status.PERMISSION_DENIED;
    } else if (failure instanceof TFUnauthenticatedException) {
      return Status.UNAUTHENTICATED;
    }
    return null;
  }

  private static Rejection error(Status status, String description) {
    return new Rejection(status.withDescription(truncate(description)), null);
  }

  private static String truncate(String description) {
    if (description == null || description.length() <= MAX_DESCRIPTION_CHARS) {
      return description;
    }
    return description.substring(0, MAX_DESCRIPTION_CHARS) + "...TRUNCATED";
  }

  /** A request refused with a status; carries no stack trace because nothing went wrong here. */
  static final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Status status;
    private final transient Metadata trailers;

    Rejection(Status status, Metadata trailers) {
      super(status.getDescription(), null, false, false);
      this.status = status;
      this.trailers = trailers;
    }

    Status status() {
      return status;
    }

    /** Trailers to send with the status (the retry pushback), or null. */
    Metadata trailers() {
      return trailers;
    }
  }
}
