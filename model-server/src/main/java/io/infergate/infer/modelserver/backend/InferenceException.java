package io.infergate.infer.modelserver.backend;

import static java.util.Objects.requireNonNull;

/**
 * Why a call got no outputs, in the model server's own terms. The backend maps TensorFlow's
 * failures to these kinds, the codecs and the call path raise them for bad requests, full queues
 * and shutdown, and the protocol layer maps each kind to its status (gRPC's in {@code
 * grpc.Statuses}): nothing above this package sees TensorFlow's exceptions.
 *
 * <p>Carries no stack trace: it is an answer, not a bug (TensorFlow's own exception, where there is
 * one, is its cause).
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as much as a caller needs to know to react. */
  public enum Kind {
    /** The request is malformed or does not fit the model's signature. */
    BAD_INPUT,
    /** An input value is outside what the model accepts (TensorFlow's OUT_OF_RANGE). */
    OUT_OF_RANGE,
    /** No such model, version or label. */
    NOT_FOUND,
    /** The model cannot do what was asked: a signature it lacks, or TensorFlow's precondition. */
    FAILED_PRECONDITION,
    /** The model ran out of memory or another resource while running. */
    RESOURCE_EXHAUSTED,
    /** The model uses an op this TensorFlow build lacks. */
    UNIMPLEMENTED,
    /** TensorFlow was refused access to something the graph reads. */
    PERMISSION_DENIED,
    /** TensorFlow could not authenticate to something the graph reads. */
    UNAUTHENTICATED,
    /** Shed at once because a queue is full; worth retrying after {@link #retryAfterMillis()}. */
    OVERLOADED,
    /** The server is shutting down. */
    SHUTTING_DOWN,
    /** The caller cancelled, or its deadline passed, while the call waited; it never ran. */
    ABANDONED,
    /** Anything else: a bug, or a TensorFlow failure with no better kind. */
    INTERNAL
  }

  private static final InferenceException SHUTTING_DOWN =
      new InferenceException(Kind.SHUTTING_DOWN, "model server is shutting down", 0, null);

  private final Kind kind;
  private final long retryAfterMillis;

  private InferenceException(Kind kind, String message, long retryAfterMillis, Throwable cause) {
    super(message, cause, false, false);
    this.kind = requireNonNull(kind, "kind");
    this.retryAfterMillis = retryAfterMillis;
  }

  /** A failure of {@code kind}, described for the caller by {@code message}. */
  public static InferenceException of(Kind kind, String message) {
    return new InferenceException(kind, message, 0, null);
  }

  /** A failure of {@code kind} caused by {@code cause}, described by its message. */
  public static InferenceException of(Kind kind, Throwable cause) {
    return new InferenceException(kind, cause.getMessage(), 0, cause);
  }

  /** The request does not fit: {@code message} names the field or input and what was expected. */
  public static InferenceException badInput(String message) {
    return of(Kind.BAD_INPUT, message);
  }

  /** No such model, version or label. */
  public static InferenceException notFound(String message) {
    return of(Kind.NOT_FOUND, message);
  }

  /** Shed because a queue is full; the caller may retry after {@code retryAfterMillis}. */
  public static InferenceException overloaded(String message, long retryAfterMillis) {
    return new InferenceException(Kind.OVERLOADED, message, retryAfterMillis, null);
  }

  /** Refused because the server is stopping (one shared instance: it says nothing per call). */
  public static InferenceException shuttingDown() {
    return SHUTTING_DOWN;
  }

  /**
   * {@code failure} as one of these: itself if it is one, else an {@link Kind#INTERNAL} failure
   * caused by it.
   */
  public static InferenceException from(Throwable failure) {
    return failure instanceof InferenceException known
        ? known
        : new InferenceException(
            Kind.INTERNAL, "internal error: " + failure.getClass().getSimpleName(), 0, failure);
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /** For {@link Kind#OVERLOADED}: about how long until the queue has room, at least 1 ms. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
