package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.modelserver.testing.RunningServer;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling update of a variant's model servers under load, end to end, as Kubernetes runs one with
 * {@code maxUnavailable: 0}: a new server joins the variant's endpoints once it is up, then the old
 * one stops gracefully (NOT_SERVING, in-flight calls finish, new ones refused). Both orders a
 * cluster can produce are covered: the old server stopped while it is still one of the endpoints
 * (its SIGTERM came before the endpoint update reached the gateway), and stopped after it left them
 * (the {@code preStop} wait lets the update through first). No call fails either way.
 */
class RollingUpdateIT {
  @TempDir Path scratch;
  private final Servers servers = new Servers();

  @Test
  void replacingEachServerOfAVariantUnderLoadFailsNoCall() throws Exception {
    RunningServer first = servers.start();
    RunningServer second = servers.start();
    Path file = DigitsServers.config(scratch, "stable 1 " + port(first));
    FileGateway gateway = FileGateway.start(file);
    DigitsLoad load = DigitsLoad.start(gateway.channel(), 4);
    try {
      load.awaitAnswers(200);

      // The new server is ready and joins; the old one is stopped while still listed.
      DigitsServers.config(scratch, "stable 1 " + port(first) + "," + port(second));
      load.awaitAnswers(200);
      servers.stop(first);
      load.awaitAnswers(200);
      DigitsServers.config(scratch, "stable 1 " + port(second));
      load.awaitAnswers(200);

      // The next one: the old server leaves the endpoints first, then stops.
      RunningServer third = servers.start();
      DigitsServers.config(scratch, "stable 1 " + port(second) + "," + port(third));
      load.awaitAnswers(200);
      DigitsServers.config(scratch, "stable 1 " + port(third));
      load.awaitAnswers(200);
      servers.stop(second);
      load.awaitAnswers(200);
    } finally {
      load.stop();
      gateway.close();
      servers.close();
    }
    assertThat(load.failures()).as("calls failed during the rolling update").isEmpty();
    assertThat(load.correctShare()).isGreaterThanOrEqualTo(0.92);
  }

  private static int port(RunningServer server) {
    return server.server().port();
  }

  /** The model servers of the test, each stopped once: by the test, or at its end. */
  private final class Servers implements AutoCloseable {
    private final Set<RunningServer> running = new LinkedHashSet<>();

    RunningServer start() throws Exception {
      RunningServer server = DigitsServers.version(1, scratch);
      running.add(server);
      return server;
    }

    void stop(RunningServer server) {
      running.remove(server);
      server.close();
    }

    @Override
    public void close() {
      running.forEach(RunningServer::close);
      running.clear();
    }
  }
}
