package io.infergate.infer.digits;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} for this module's commands: {@code @Mixin HelpOption help;}. Not the
 * servers' {@code HelpAndVersion}, because these tools ship no {@code --version}.
 */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;
}
