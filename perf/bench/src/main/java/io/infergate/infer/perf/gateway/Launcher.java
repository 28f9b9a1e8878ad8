package io.infergate.infer.perf.gateway;

import io.infergate.infer.perf.ModelServers;
import io.infergate.infer.perf.kit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the servers under test as separate, pinned JVMs, each from its own module's classpath (as
 * {@code bin/gateway} and {@code bin/model-server} run them), with the same JVM options.
 */
final class Launcher {
  private final List<String> jvmOptions;
  private final String gatewayClasspath;
  private final String modelServerClasspath;
  private final String perfClasspath;
  private final String gatewayTelemetry;

  /**
   * Launches with {@code gatewayTelemetry} as the gateway's {@code telemetry} key (a YAML flow
   * mapping; empty for the defaults: metrics served, no tracing).
   */
  Launcher(
      List<String> jvmOptions,
      String gatewayClasspath,
      String modelServerClasspath,
      String perfClasspath,
      String gatewayTelemetry) {
    this.gatewayTelemetry = gatewayTelemetry;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.gatewayClasspath = gatewayClasspath;
    this.modelServerClasspath = modelServerClasspath;
    this.perfClasspath = perfClasspath;
  }

  /** The fixed-response backend, answering with class {@code label}. */
  ChildProcess backend(Path work, String cpus, int label) throws IOException, InterruptedException {
    return ChildProcess.startAnnounced(
        "backend",
        ChildProcess.pinned(
            cpus,
            javaCommand(
                perfClasspath,
                FixedResponseBackend.class.getName(),
                "--label",
                Integer.toString(label))),
        work.resolve("backend.log"),
        "backend listening on ",
        Duration.ofMinutes(1));
  }

  /**
   * A gateway with one route, {@code digits}, to one variant on {@code endpoint}, with {@code
   * extraJvmOptions} after the common ones.
   */
  ChildProcess gateway(
      Path work, String name, String cpus, String endpoint, List<String> extraJvmOptions)
      throws IOException, InterruptedException {
    Path config = work.resolve(name + ".yaml");
    Files.writeString(
        config,
        "host: 127.0.0.1\n"
            + "port: 0\n"
            + "reloadCheckInterval: 0s\n"
            + "drainTimeout: 1s\n"
            + (gatewayTelemetry.isEmpty() ? "" : "telemetry: " + gatewayTelemetry + "\n")
            + "routes:\n"
            + "  - model: "
            + DigitsMessages.MODEL
            + "\n"
            + "    variants:\n"
            + "      - {name: stable, weight: 100, endpoints: [\""
            + endpoint
            + "\"]}\n");
    return ChildProcess.startAnnounced(
        "gateway",
        ChildProcess.pinned(
            cpus,
            javaCommand(
                extraJvmOptions,
                gatewayClasspath,
                "io.infergate.infer.gateway.GatewayMain",
                "--config",
                config.toString(),
                "--metrics-port",
                "0")),
        work.resolve(name + ".log"),
        "gateway listening on ",
        Duration.ofMinutes(1));
  }

  /**
   * A model server on the repository {@code models}, batching calls (its {@code --batching}) when
   * {@code batching} says so.
   */
  ChildProcess modelServer(Path work, String cpus, Path models, boolean batching)
      throws IOException, InterruptedException {
    return ModelServers.start(
        "model-server",
        cpus,
        jvmOptions,
        modelServerClasspath,
        models,
        0,
        batching ? List.of("--batching") : List.of(),
        work.resolve("model-server.log"));
  }

  /**
   * Trains and exports {@code digits} into {@code models} unless it is there already, in a child on
   * this benchmark's own classpath (the trainer is not part of the model server).
   */
  void ensureDigits(Path models, Path log) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                javaCommand(
                    System.getProperty("java.class.path"),
                    "io.infergate.infer.digits.DigitsTrainer",
                    "--out",
                    models.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (process.waitFor() != 0) {
      throw new IOException("training digits failed; see " + log + ":\n" + Files.readString(log));
    }
  }

  /** {@code jcmd PID ARGS...}, failing loudly. */
  void jcmd(long pid, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(pid));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0 || out.contains("Exception") || out.contains("Could not")) {
      throw new IOException(String.join(" ", command) + " failed:\n" + out);
    }
  }

  List<String> jvmOptions() {
    return jvmOptions;
  }

  private List<String> javaCommand(String classpath, String mainClass, String... arguments) {
    return javaCommand(List.of(), classpath, mainClass, arguments);
  }

  private List<String> javaCommand(
      List<String> extraJvmOptions, String classpath, String mainClass, String... arguments) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(extraJvmOptions);
    return ChildProcess.java(options, classpath, mainClass, List.of(arguments));
  }
}
