package io.infergate.infer.perf.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.perf.ModelServers;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.Trees;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The processes of one scenario, each a real server as its {@code bin/} script runs it (its own
 * module's classpath, its log in the scenario's directory): model servers serving one version of
 * {@code digits} each, gateways with a YAML file, stalled backends. Closing the fleet stops them
 * all, newest first, so nothing outlives a scenario.
 */
final class Fleet implements AutoCloseable {
  private static final String GATEWAY_READY = "gateway listening on ";

  private final Setup setup;
  private final Path directory;
  private final PrintStream progress;
  private final List<ChildProcess> started = new ArrayList<>();

  Fleet(Setup setup, Path directory, PrintStream progress) throws IOException {
    this.setup = setup;
    this.directory = Files.createDirectories(directory);
    this.progress = progress;
  }

  /** Where the scenario's logs and configuration files go. */
  Path directory() {
    return directory;
  }

  PrintStream progress() {
    return progress;
  }

  /**
   * A model server serving only {@code digits} version {@code version} (so its answers say which
   * server served them), on {@code port} (0: any free port).
   */
  ChildProcess modelServer(String name, int version, int port)
      throws IOException, InterruptedException {
    progress.printf("  starting model server %s (digits v%d)%n", name, version);
    return track(
        ModelServers.start(
            name,
            "",
            setup.jvmOptions(),
            setup.modelServerClasspath(),
            repository(version),
            port,
            List.of(),
            directory.resolve(name + ".log")));
  }

  /** A gateway reading {@code yaml} from {@code <name>.yaml}, hot reload as the file says. */
  ChildProcess gateway(String name, String yaml) throws IOException, InterruptedException {
    Path config = directory.resolve(name + ".yaml");
    Files.writeString(config, yaml, UTF_8);
    progress.printf("  starting gateway %s (%s)%n", name, config);
    return track(
        ChildProcess.startAnnounced(
            name,
            ChildProcess.java(
                setup.jvmOptions(),
                setup.gatewayClasspath(),
                "io.infergate.infer.gateway.GatewayMain",
                List.of("--config", config.toString(), "--metrics-port", "0")),
            directory.resolve(name + ".log"),
            GATEWAY_READY,
            Duration.ofMinutes(1)));
  }

  /** Gateway {@code gateway} reading {@code template} with {@link GatewayConfigs#render values}. */
  ChildProcess gateway(String template, Map<String, String> values)
      throws IOException, InterruptedException {
    return gateway("gateway", GatewayConfigs.render(template, values));
  }

  /**
   * Model servers A (digits v1) and B (digits v2) behind a gateway running {@link
   * GatewayConfigs#CANARY}: stable and canary, 90/10.
   */
  Canary canary() throws IOException, InterruptedException {
    ChildProcess a = modelServer("A", 1, 0);
    ChildProcess b = modelServer("B", 2, 0);
    return new Canary(
        a, b, gateway(GatewayConfigs.CANARY, Map.of("A", a.address(), "B", b.address())));
  }

  /** What {@link #canary()} started. */
  record Canary(ChildProcess a, ChildProcess b, ChildProcess gateway) {}

  /** The configuration file of gateway {@code name}. */
  Path configOf(String name) {
    return directory.resolve(name + ".yaml");
  }

  /**
   * Replaces gateway {@code name}'s file as an operator's tooling should: written beside it, then
   * renamed over it in one step, so the gateway never reads half a file.
   */
  void rewriteConfig(String name, String yaml) throws IOException {
    Path config = configOf(name);
    Path staged = directory.resolve("." + name + ".yaml.tmp");
    Files.writeString(staged, yaml, UTF_8);
    Files.move(staged, config, ATOMIC_MOVE, REPLACE_EXISTING);
  }

  /** A {@link StalledBackend}. */
  ChildProcess stalledBackend(String name) throws IOException, InterruptedException {
    progress.printf("  starting stalled backend %s%n", name);
    return track(
        ChildProcess.startAnnounced(
            name,
            ChildProcess.java(
                setup.jvmOptions(),
                setup.perfClasspath(),
                StalledBackend.class.getName(),
                List.of()),
            directory.resolve(name + ".log"),
            StalledBackend.READY,
            Duration.ofMinutes(1)));
  }

  /**
   * {@code 127.0.0.1:PORT} where nothing listens: a port the kernel just handed out and that was
   * closed again, so a connection is refused at once (a dead host would time out instead).
   */
  static String deadAddress() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  /** Stops one process now (SIGTERM, then SIGKILL after 15 s), e.g. to free its CPU. */
  void stop(ChildProcess process) {
    process.close();
    started.remove(process);
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    started.clear();
  }

  private ChildProcess track(ChildProcess process) {
    started.add(process);
    return process;
  }

  /** {@code <work>/repo-v<version>/digits/<version>}, a copy of the trained version. */
  private synchronized Path repository(int version) throws IOException {
    Path root = setup.work().resolve("repo-v" + version).toAbsolutePath();
    Path link = root.resolve(DigitsTrainer.MODEL_NAME).resolve(Integer.toString(version));
    if (Files.isSymbolicLink(link)) {
      Files.delete(link); // left by an earlier version of this suite, which linked
    }
    if (!Files.exists(link)) {
      Files.createDirectories(link.getParent());
      Trees.copy(
          setup
              .models()
              .toAbsolutePath()
              .resolve(DigitsTrainer.MODEL_NAME)
              .resolve(Integer.toString(version)),
          link);
    }
    return root;
  }

  /**
   * What every scenario's processes share.
   *
   * @param work the suite's directory; each scenario gets a sub-directory
   * @param models where {@code digits} v1 and v2 are trained
   * @param perfClasspath this suite's classpath (the stalled backend)
   */
  record Setup(
      Path work,
      Path models,
      List<String> jvmOptions,
      String gatewayClasspath,
      String modelServerClasspath,
      String perfClasspath) {}
}
