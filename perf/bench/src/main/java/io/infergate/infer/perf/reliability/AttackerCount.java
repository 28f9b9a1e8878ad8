package io.infergate.infer.perf.reliability;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --attackers} flag: how many Rapid Reset connections attack at once. {@link
 * RapidResetBench} takes it and hands it on to the {@link RapidResetAttackerMain} process it starts
 * ({@code @Mixin AttackerCount attackers;} in both), so the two cannot drift apart.
 */
final class AttackerCount {
  @Option(names = "--attackers", defaultValue = "1", description = "attacking connections at once")
  private int count;

  /** How many connections attack at once. */
  int count() {
    return count;
  }

  /** The flag as {@link RapidResetAttackerMain} takes it on its command line. */
  List<String> asArguments() {
    return List.of("--attackers", Integer.toString(count));
  }
}
