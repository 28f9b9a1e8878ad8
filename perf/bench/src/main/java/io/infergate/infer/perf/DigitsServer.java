package io.infergate.infer.perf;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of suites that run model servers of {@code digits} on pinned CPUs. */
public final class DigitsServer {
  @Option(
      names = "--models",
      description =
          "where the trained digits v1 and v2 are (trained there if absent; default:"
              + " ${DEFAULT-VALUE})")
  private Path models = Path.of("models");

  @Option(
      names = "--server-cpu",
      description = "CPU list the model servers are pinned to (default: ${DEFAULT-VALUE})")
  private String serverCpu = "0";

  /** The model repository root, with {@code digits} in it once trained. */
  public Path models() {
    return models;
  }

  /** The CPU list for {@code taskset -c}. */
  public String serverCpu() {
    return serverCpu;
  }
}
