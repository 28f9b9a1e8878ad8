package io.infergate.infer.observability.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListeningLinesTest {

  @Test
  void aWildcardHostIsShownAsLoopbackAndTheMetricsUrlFollows() {
    assertThat(ListeningLines.of("gateway", "0.0.0.0", 8080, null, "http://127.0.0.1:9464/metrics"))
        .containsExactly(
            "gateway listening on 127.0.0.1:8080", "metrics on http://127.0.0.1:9464/metrics");
  }

  @Test
  void aNamedHostIsShownAsItIsAndNoMetricsUrlPrintsNoMetricsLine() {
    assertThat(ListeningLines.of("model-server", "10.0.0.7", 8500, null, null))
        .containsExactly("model-server listening on 10.0.0.7:8500");
  }
}
