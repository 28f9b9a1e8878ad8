package io.infergate.infer.router.resilience;

import static io.infergate.infer.router.resilience.CallOutcome.BACKEND_FAILURE;
import static io.infergate.infer.router.resilience.CallOutcome.CALLER_ERROR;
import static io.infergate.infer.router.resilience.CallOutcome.CANCELLED;
import static io.infergate.infer.router.resilience.CallOutcome.NOT_REACHED;
import static io.infergate.infer.router.resilience.CallOutcome.OVERLOAD;
import static io.infergate.infer.router.resilience.CallOutcome.REJECTED;
import static io.infergate.infer.router.resilience.CallOutcome.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CallOutcomeTest {

  /** Every gRPC code, by number, with the name grpc-java gives it, classified after an answer. */
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "0, OK, SUCCESS",
    "1, CANCELLED, CANCELLED",
    "2, UNKNOWN, BACKEND_FAILURE",
    "3, INVALID_ARGUMENT, CALLER_ERROR",
    "4, DEADLINE_EXCEEDED, BACKEND_FAILURE",
    "5, NOT_FOUND, CALLER_ERROR",
    "6, ALREADY_EXISTS, CALLER_ERROR",
    "7, PERMISSION_DENIED, CALLER_ERROR",
    "8, RESOURCE_EXHAUSTED, OVERLOAD",
    "9, FAILED_PRECONDITION, CALLER_ERROR",
    "10, ABORTED, CALLER_ERROR",
    "11, OUT_OF_RANGE, CALLER_ERROR",
    "12, UNIMPLEMENTED, CALLER_ERROR",
    "13, INTERNAL, BACKEND_FAILURE",
    "14, UNAVAILABLE, BACKEND_FAILURE",
    "15, DATA_LOSS, BACKEND_FAILURE",
    "16, UNAUTHENTICATED, CALLER_ERROR",
  })
  void eachGrpcCodeAfterAnAnswerHasItsOutcome(int code, String name, CallOutcome expected) {
    assertThat(CallOutcome.of(code, true)).as(name).isEqualTo(expected);
  }

  /**
   * Without an answer only UNAVAILABLE changes meaning: the call provably never reached a model.
   */
  @ParameterizedTest(name = "code {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16})
  void whetherTheBackendAnsweredMattersOnlyForUnavailable(int code) {
    assertThat(CallOutcome.of(code, false)).isEqualTo(CallOutcome.of(code, true));
  }

  @Test
  void unavailableBeforeAnyAnswerIsNotReachedAndAfterOneIsABackendFailure() {
    assertThat(CallOutcome.UNAVAILABLE).isEqualTo(14);
    assertThat(CallOutcome.of(14, false)).isEqualTo(NOT_REACHED);
    assertThat(CallOutcome.of(14, true)).isEqualTo(BACKEND_FAILURE);
  }

  @ParameterizedTest(name = "code {0}")
  @ValueSource(ints = {-1, 17, 100, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void codesOutsideZeroToSixteenAreBackendFailures(int code) {
    assertThat(CallOutcome.of(code, true)).isEqualTo(BACKEND_FAILURE);
    assertThat(CallOutcome.of(code, false)).isEqualTo(BACKEND_FAILURE);
  }

  @Test
  void onlyBackendFailuresAndUnreachedCallsCountAgainstTheBackend() {
    assertThat(matching(Kind.FAILURE)).containsExactlyInAnyOrder(BACKEND_FAILURE, NOT_REACHED);
  }

  @Test
  void successesAndCallerErrorsCountForTheBackend() {
    assertThat(matching(Kind.SUCCESS)).containsExactlyInAnyOrder(SUCCESS, CALLER_ERROR);
  }

  @Test
  void onlyACallThatNeverReachedAModelIsRetried() {
    assertThat(matching(Kind.RETRIABLE)).containsExactly(NOT_REACHED);
  }

  @Test
  void overloadCancellationAndRejectionCountNeitherWay() {
    for (CallOutcome outcome : EnumSet.of(OVERLOAD, CANCELLED, REJECTED)) {
      assertThat(outcome.isFailure()).as("%s failure", outcome).isFalse();
      assertThat(outcome.isSuccess()).as("%s success", outcome).isFalse();
      assertThat(outcome.isRetriable()).as("%s retriable", outcome).isFalse();
    }
  }

  @Test
  void noOutcomeIsBothASuccessAndAFailure() {
    for (CallOutcome outcome : CallOutcome.values()) {
      assertThat(outcome.isSuccess() && outcome.isFailure()).as(outcome.name()).isFalse();
    }
  }

  private enum Kind {
    FAILURE,
    SUCCESS,
    RETRIABLE
  }

  private static Set<CallOutcome> matching(Kind kind) {
    Set<CallOutcome> found = EnumSet.noneOf(CallOutcome.class);
    for (CallOutcome outcome : CallOutcome.values()) {
      boolean matches =
          switch (kind) {
            case FAILURE -> outcome.isFailure();
            case SUCCESS -> outcome.isSuccess();
            case RETRIABLE -> outcome.isRetriable();
          };
      if (matches) {
        found.add(outcome);
      }
    }
    return found;
  }
}
