package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.demo.DigitsServers.BothVersions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary ramp by hot reload under load, end to end: four threads send real digits through the
 * gateway while its file moves the weights 100/0, 50/50, 0/100 and finally drops the stable server;
 * no call fails and every answer is still a correct classification at the models' rate.
 */
class GatewayReloadIT {
  @TempDir Path scratch;

  @Test
  void aCanaryRampAndTheStableServersRemovalUnderLoadFailNoCall() throws Exception {
    try (BothVersions servers = DigitsServers.bothVersions(scratch)) {
      int stablePort = servers.v1Port();
      int canaryPort = servers.v2Port();
      Path file =
          DigitsServers.config(scratch, "stable 100 " + stablePort, "canary 0 " + canaryPort);
      FileGateway gateway = FileGateway.start(file);
      DigitsLoad load = DigitsLoad.start(gateway.channel(), 4);
      try {
        for (int stableWeight : new int[] {50, 0}) {
          DigitsServers.config(
              scratch,
              "stable " + stableWeight + " " + stablePort,
              "canary " + (100 - stableWeight) + " " + canaryPort);
          load.awaitAnswers(200);
        }
        DigitsServers.config(scratch, "canary 1 " + canaryPort);
        load.awaitAnswers(200);
        load.forgetVariants();
        load.awaitAnswers(200);
      } finally {
        load.stop();
        gateway.close();
      }
      assertThat(load.failures()).as("calls failed during reloads").isEmpty();
      assertThat(load.variants()).containsOnlyKeys("canary;version=2");
      assertThat(load.correctShare()).isGreaterThanOrEqualTo(0.92);
    }
  }
}
