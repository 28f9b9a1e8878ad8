package io.infergate.infer.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.testing.TypedTestModel;
import io.infergate.infer.observability.server.ExitCodes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code bin/model-server} answers when it cannot start. */
class ModelServerMainIT {
  @TempDir Path repository;

  @Test
  void aPortInUseExitsWithCode3SayingWhy() throws Exception {
    TypedTestModel.export(repository, 1);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CommandRun run =
          CommandRun.of(
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--models",
              repository.toString(),
              "--metrics-port",
              "0");

      assertThat(run.code()).isEqualTo(ExitCodes.CANNOT_LISTEN);
      assertThat(run.err())
          .startsWith("model-server: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
          .contains("in use");
    }
  }

  @Test
  void aRepositoryWithoutModelsExitsWithCode2() {
    CommandRun run =
        CommandRun.of("--port", "0", "--models", repository.toString(), "--metrics-port", "0");

    assertThat(run.code()).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(run.err()).contains("no model found");
  }
}
