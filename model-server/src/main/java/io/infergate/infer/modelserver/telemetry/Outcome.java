package io.infergate.infer.modelserver.telemetry;

import io.grpc.Status;

/**
 * How a call ended, as the {@code outcome} attribute of {@code infergate.model.calls}: the
 * gateway's taxonomy (its {@code CallOutcome}) applied to the status this server answered with, so
 * that both sides of a call agree about whose fault a status is.
 *
 * <p>The gateway's router keeps its table by numeric code because it must stay free of gRPC types;
 * this server has them, so it classifies {@link Status.Code} by name, and the compiler checks that
 * every code is classified. Keep the two in step when either changes.
 */
public enum Outcome {
  SUCCESS("success"),
  CALLER_ERROR("caller_error"),
  OVERLOAD("overload"),
  BACKEND_FAILURE("backend_failure"),
  CANCELLED("cancelled");

  /** By gRPC status code value, filled once so that a call's outcome is one array read. */
  private static final Outcome[] BY_CODE = new Outcome[Status.Code.values().length];

  static {
    for (Status.Code code : Status.Code.values()) {
      BY_CODE[code.value()] = of(code);
    }
  }

  private final String value;

  Outcome(String value) {
    this.value = value;
  }

  /** The outcome of a call answered with gRPC status {@code code}; unknown codes are failures. */
  public static Outcome ofStatusCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : BACKEND_FAILURE;
  }

  private static Outcome of(Status.Code code) {
    return switch (code) {
      case OK -> SUCCESS;
      case CANCELLED -> CANCELLED;
      case RESOURCE_EXHAUSTED -> OVERLOAD;
      case INVALID_ARGUMENT,
          NOT_FOUND,
          ALREADY_EXISTS,
          PERMISSION_DENIED,
          FAILED_PRECONDITION,
          ABORTED,
          OUT_OF_RANGE,
          UNIMPLEMENTED,
          UNAUTHENTICATED ->
          CALLER_ERROR;
      // UNAVAILABLE: this server answered, so it is shutting down.
      case UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS -> BACKEND_FAILURE;
    };
  }

  /** The attribute value: the name in lower case. */
  public String value() {
    return value;
  }
}
