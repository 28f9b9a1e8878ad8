package io.infergate.infer.modelserver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.infergate.infer.modelserver.backend.InferenceException;
import io.infergate.infer.modelserver.backend.InferenceException.Kind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one table from failure kinds to gRPC statuses. */
class StatusesTest {

  @Test
  void everyKindHasItsCode() {
    Map<Kind, Status.Code> expected = new EnumMap<>(Kind.class);
    expected.put(Kind.BAD_INPUT, Status.Code.INVALID_ARGUMENT);
    expected.put(Kind.OUT_OF_RANGE, Status.Code.OUT_OF_RANGE);
    expected.put(Kind.NOT_FOUND, Status.Code.NOT_FOUND);
    expected.put(Kind.FAILED_PRECONDITION, Status.Code.FAILED_PRECONDITION);
    expected.put(Kind.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED);
    expected.put(Kind.UNIMPLEMENTED, Status.Code.UNIMPLEMENTED);
    expected.put(Kind.PERMISSION_DENIED, Status.Code.PERMISSION_DENIED);
    expected.put(Kind.UNAUTHENTICATED, Status.Code.UNAUTHENTICATED);
    expected.put(Kind.OVERLOADED, Status.Code.RESOURCE_EXHAUSTED);
    expected.put(Kind.SHUTTING_DOWN, Status.Code.UNAVAILABLE);
    expected.put(Kind.ABANDONED, Status.Code.CANCELLED);
    expected.put(Kind.INTERNAL, Status.Code.INTERNAL);

    for (Kind kind : Kind.values()) {
      Status status = Statuses.toStatus(InferenceException.of(kind, "what happened"), null);
      assertThat(status.getCode()).as("%s", kind).isEqualTo(expected.get(kind));
    }
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
