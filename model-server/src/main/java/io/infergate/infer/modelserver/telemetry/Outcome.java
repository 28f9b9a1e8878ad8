package io.infergate.infer.modelserver.telemetry;

/**
 * How a call ended, as the {@code outcome} attribute of {@code infergate.model.calls}: the
 * gateway's taxonomy (its {@code CallOutcome}) applied to the status this server answered with, so
 * that both sides of a call agree about whose fault a status is.
 */
public enum Outcome {
  SUCCESS("success"),
  CALLER_ERROR("caller_error"),
  OVERLOAD("overload"),
  BACKEND_FAILURE("backend_failure"),
  CANCELLED("cancelled");

  /** By gRPC status code, 0..16. */
  private static final Outcome[] BY_CODE = {
    SUCCESS, // 0 OK
    CANCELLED, // 1 CANCELLED
    BACKEND_FAILURE, // 2 UNKNOWN
    CALLER_ERROR, // 3 INVALID_ARGUMENT
    BACKEND_FAILURE, // 4 DEADLINE_EXCEEDED
    CALLER_ERROR, // 5 NOT_FOUND
    CALLER_ERROR, // 6 ALREADY_EXISTS
    CALLER_ERROR, // 7 PERMISSION_DENIED
    OVERLOAD, // 8 RESOURCE_EXHAUSTED
    CALLER_ERROR, // 9 FAILED_PRECONDITION
    CALLER_ERROR, // 10 ABORTED
    CALLER_ERROR, // 11 OUT_OF_RANGE
    CALLER_ERROR, // 12 UNIMPLEMENTED
    BACKEND_FAILURE, // 13 INTERNAL
    BACKEND_FAILURE, // 14 UNAVAILABLE (this server answered: it is shutting down)
    BACKEND_FAILURE, // 15 DATA_LOSS
    CALLER_ERROR, // 16 UNAUTHENTICATED
  };

  private final String value;

  Outcome(String value) {
    this.value = value;
  }

  /** The outcome of a call answered with gRPC status {@code code}. */
  public static Outcome ofStatusCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : BACKEND_FAILURE;
  }

  /** The attribute value: the name in lower case. */
  public String value() {
    return value;
  }
}
