package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.InferenceException.Kind;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one table from failure kinds to gRPC statuses. */
class StatusesTest {

  /** One row per kind: the table in {@link Statuses}, written out again. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "BAD_INPUT, INVALID_ARGUMENT",
    "OUT_OF_RANGE, OUT_OF_RANGE",
    "NOT_FOUND, NOT_FOUND",
    "FAILED_PRECONDITION, FAILED_PRECONDITION",
    "RESOURCE_EXHAUSTED, RESOURCE_EXHAUSTED",
    "UNIMPLEMENTED, UNIMPLEMENTED",
    "PERMISSION_DENIED, PERMISSION_DENIED",
    "UNAUTHENTICATED, UNAUTHENTICATED",
    "OVERLOADED, RESOURCE_EXHAUSTED",
    "SHUTTING_DOWN, UNAVAILABLE",
    "ABANDONED, CANCELLED",
    "INTERNAL, INTERNAL"
  })
  void eachKindHasItsCode(Kind kind, Status.Code code) {
    Status status = Statuses.toStatus(InferenceException.of(kind, "what happened"), null);

    assertThat(status.getCode()).isEqualTo(code);
  }

  @Test
  void aShedCallCarriesItsRetryPushback() {
    StatusRuntimeException sent = reply(InferenceException.overloaded("queue is full", 42), null);

    assertThat(sent.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(sent.getStatus().getDescription()).isEqualTo("queue is full");
    assertThat(sent.getTrailers().get(Statuses.RETRY_PUSHBACK_MS)).isEqualTo("42");
  }

  @Test
  void anAbandonedCallPastItsDeadlineIsDeadlineExceeded() {
    Deadline expired = Deadline.after(-1, TimeUnit.SECONDS);

    Status status =
        Statuses.toStatus(
            InferenceException.of(Kind.ABANDONED, "while queued for a batch"), expired);

    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(status.getDescription()).isEqualTo("deadline exceeded while queued for a batch");
  }

  @Test
  void anythingElseIsInternalNamingOnlyItsClass() {
    Status status = Statuses.toStatus(new IllegalStateException("secret detail"), null);

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription()).isEqualTo("internal error: IllegalStateException");
  }

  @Test
  void longDescriptionsAreTruncatedAsTfServingDoes() {
    Status status = Statuses.toStatus(InferenceException.badInput("x".repeat(5000)), null);

    assertThat(status.getDescription()).hasSize(1024 + "...TRUNCATED".length());
  }

  private static StatusRuntimeException reply(Throwable failure, Deadline deadline) {
    AtomicReference<Throwable> sent = new AtomicReference<>();
    Statuses.reply(
        new StreamObserver<Object>() {
          @Override
          public void onNext(Object value) {}

          @Override
          public void onError(Throwable t) {
            sent.set(t);
          }

          @Override
          public void onCompleted() {}
        },
        failure,
        deadline);
    return (StatusRuntimeException) sent.get();
  }
}
