package io.infergate.infer.perf;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The repeatable {@code --server-jvm-arg} flag of suites that start model servers ({@code @Mixin
 * ServerJvmArgs serverJvmArgs;}): extra options for each model server's JVM, say to record a
 * flight, with {@code {name}} standing for the server's name so that two servers write two files.
 */
public final class ServerJvmArgs {
  @Option(
      names = "--server-jvm-arg",
      description =
          "extra JVM option for each model server, {name} standing for the server's name (say,"
              + " -XX:StartFlightRecording=filename=x-{name}.jfr); repeatable")
  private List<String> args = new ArrayList<>();

  /** The extra options of the model server named {@code name}. */
  public List<String> forServer(String name) {
    return args.stream().map(arg -> arg.replace("{name}", name)).toList();
  }
}
