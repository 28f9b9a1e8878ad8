package io.infergate.infer.modelserver;

import static io.infergate.infer.observability.testing.StandardServiceCalls.health;
import static io.infergate.infer.observability.testing.StandardServiceCalls.listServicesCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.infergate.infer.modelserver.config.ModelServerConfig;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestConfigs;
import io.infergate.infer.modelserver.testing.TestRepository;
import org.junit.jupiter.api.Test;

/**
 * {@code reflection: false}: the server no longer lists its services, while health and inference
 * stay as they were. (Reflection on, the default, is {@link HealthAndReflectionIT}.)
 */
class ReflectionOffIT {
  @Test
  void reflectionTurnedOffIsUnimplementedAndHealthStillServes() throws Exception {
    ModelServerConfig config = TestConfigs.of(TestRepository.shared(), "reflection: false");
    try (RunningServer server = RunningServer.start(config)) {
      assertThat(health(server.channel(), "")).isEqualTo(ServingStatus.SERVING);

      assertThat(listServicesCode(server.channel())).isEqualTo(Status.Code.UNIMPLEMENTED);
    }
  }
}
