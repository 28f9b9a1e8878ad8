package io.infergate.infer.router.resilience;

/**
 * What one attempt's gRPC status says about the backend that answered it: the one taxonomy read by
 * circuit breakers, outlier ejection, retries and metrics, so that they never disagree about whose
 * fault a status is. Codes are gRPC's numeric codes, so that this stays free of gRPC types.
 *
 * <ul>
 *   <li>Caller errors (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION and the like) are answers:
 *       the backend worked, so they count for it, never against it.
 *   <li>Overload (RESOURCE_EXHAUSTED) is a backend protecting itself: neither a success nor a
 *       failure, and never retried here, so that shedding is not amplified.
 *   <li>Backend failures (UNAVAILABLE after the backend answered, DEADLINE_EXCEEDED, INTERNAL,
 *       UNKNOWN, DATA_LOSS) count against the backend.
 *   <li>UNAVAILABLE before any response header means the call provably never reached the model: it
 *       counts against the endpoint and is the only outcome retried.
 *   <li>Cancelled calls say nothing about the backend; the gateway's own rejections (admission,
 *       open breaker, full bulkhead) never reach one and are never recorded against it.
 * </ul>
 */
public enum CallOutcome {
  SUCCESS,
  CALLER_ERROR,
  OVERLOAD,
  BACKEND_FAILURE,
  NOT_REACHED,
  CANCELLED,
  REJECTED;

  /** gRPC's UNAVAILABLE. */
  public static final int UNAVAILABLE = 14;

  private static final CallOutcome[] BY_CODE = {
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
    BACKEND_FAILURE, // 14 UNAVAILABLE
    BACKEND_FAILURE, // 15 DATA_LOSS
    CALLER_ERROR, // 16 UNAUTHENTICATED
  };

  /**
   * Classifies the status an attempt ended with.
   *
   * @param code the gRPC status code, 0..16; others (none exist today) are backend failures
   * @param answered whether the backend sent response headers or a message before the status
   */
  public static CallOutcome of(int code, boolean answered) {
    if (code == UNAVAILABLE && !answered) {
      return NOT_REACHED;
    }
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : BACKEND_FAILURE;
  }

  /** Whether this outcome counts against the backend: breakers and ejection record a failure. */
  public boolean isFailure() {
    return this == BACKEND_FAILURE || this == NOT_REACHED;
  }

  /** Whether the backend answered as a working backend does: breakers and ejection record it. */
  public boolean isSuccess() {
    return this == SUCCESS || this == CALLER_ERROR;
  }

  /** Whether the call may be sent again elsewhere: only when it never reached a model. */
  public boolean isRetriable() {
    return this == NOT_REACHED;
  }
}
