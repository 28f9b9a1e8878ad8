package io.infergate.infer.perf;

import io.infergate.infer.perf.kit.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Model servers as pinned child JVMs, started the same way by every suite. */
public final class ModelServers {
  /** What the model server prints once it listens, followed by {@code HOST:PORT}. */
  public static final String READY = "model-server listening on ";

  private ModelServers() {}

  /**
   * Starts {@code ModelServerMain} from {@code classpath} on {@code 127.0.0.1:port} (0: any free
   * port; a given one, e.g. to restart a killed server where its clients expect it), serving {@code
   * models}, pinned to {@code cpus} (none when empty), and waits until it listens.
   *
   * @param serverArgs flags beyond host, port and models (e.g. {@code --batching})
   */
  public static ChildProcess start(
      String name,
      String cpus,
      List<String> jvmOptions,
      String classpath,
      Path models,
      int port,
      List<String> serverArgs,
      Path log)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--models",
                models.toString(),
                // Several servers share a host: each serves /metrics on a free port.
                "--metrics-port",
                "0"));
    args.addAll(serverArgs);
    return ChildProcess.startAnnounced(
        name,
        ChildProcess.pinned(
            cpus,
            ChildProcess.java(
                jvmOptions, classpath, "io.infergate.infer.modelserver.ModelServerMain", args)),
        log,
        READY,
        Duration.ofMinutes(2));
  }

  /**
   * {@link #start} on any free port, from this JVM's own classpath, which holds the model server.
   */
  public static ChildProcess start(
      String name,
      String cpus,
      List<String> jvmOptions,
      Path models,
      List<String> serverArgs,
      Path log)
      throws IOException, InterruptedException {
    return start(
        name, cpus, jvmOptions, System.getProperty("java.class.path"), models, 0, serverArgs, log);
  }
}
