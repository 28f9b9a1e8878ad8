package io.infergate.infer.modelserver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on calls that must fail with a given status. */
public final class CallFailures {
  private CallFailures() {}

  /**
   * Runs {@code call}, which must fail with {@code code}; returns the failure, for assertions on
   * its description and trailers.
   */
  public static StatusRuntimeException assertFails(ThrowingCallable call, Status.Code code) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(failure).as("a call failing with %s", code).isNotNull();
    assertThat(failure.getStatus().getCode()).as("%s", failure.getStatus()).isEqualTo(code);
    return failure;
  }

  /** As {@link #assertFails(ThrowingCallable, Status.Code)}, with exactly this description. */
  public static void assertFails(ThrowingCallable call, Status.Code code, String description) {
    assertThat(assertFails(call, code).getStatus().getDescription()).isEqualTo(description);
  }
}
