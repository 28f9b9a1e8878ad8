package io.infergate.infer.perf.reliability;

import picocli.CommandLine.Option;

/**
 * The {@code --rate} and {@code --seconds} flags of {@link RapidResetBench}: the steady open-loop
 * callers it measures in each window, before and during the attack ({@code @Mixin CallerLoad
 * callers;}), as the {@link OpenLoop} they describe.
 */
final class CallerLoad {
  @Option(names = "--rate", defaultValue = "2000", description = "callers' calls/s (open loop)")
  private double rate;

  @Option(names = "--seconds", defaultValue = "30", description = "each measured window")
  private double seconds;

  /** One window of the callers' load; their calls carry no deadline. */
  OpenLoop window() {
    return OpenLoop.withoutDeadline(rate, seconds);
  }
}
