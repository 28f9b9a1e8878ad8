package io.infergate.infer.perf.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class H2TransportTest {
  private static final Status RESET =
      Status.CANCELLED.withDescription("stream reset by the server (HTTP/2 error 8)");

  @Test
  void aResetAfterTheDeadlineIsTheDeadlineAsInGrpcGo() {
    Status ended = H2Transport.endedAs(RESET, 300_000_000L, 300_000_001L);

    assertThat(ended.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(Recorder.errorText(ended))
        .isEqualTo("rpc error: code = DeadlineExceeded desc = context deadline exceeded");
  }

  @Test
  void aResetBeforeTheDeadlineOrWithoutOneStaysCanceled() {
    assertThat(H2Transport.endedAs(RESET, 300_000_000L, 299_999_999L)).isSameAs(RESET);
    assertThat(H2Transport.endedAs(RESET, 0, 5_000_000_000L)).isSameAs(RESET);
  }

  @Test
  void otherStatusesPassAfterTheDeadlineToo() {
    Status internal = Status.INTERNAL.withDescription("boom");

    assertThat(H2Transport.endedAs(internal, 1, 2)).isSameAs(internal);
    assertThat(H2Transport.endedAs(Status.OK, 1, 2)).isSameAs(Status.OK);
  }
}
