package io.infergate.infer.perf.reliability;

import picocli.CommandLine.Option;

/**
 * The {@code --target HOST:PORT} flag of the tools aimed at one server from a process of their own
 * ({@code @Mixin TargetFlag target;}).
 */
final class TargetFlag {
  @Option(
      names = "--target",
      required = true,
      converter = HostPort.Flag.class,
      description = "HOST:PORT of the server")
  private HostPort address;

  /** The server, as given. */
  HostPort address() {
    return address;
  }
}
