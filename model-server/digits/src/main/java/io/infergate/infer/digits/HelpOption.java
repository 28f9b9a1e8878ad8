package io.infergate.infer.digits;

import picocli.CommandLine.Option;

/**
 * The {@code -h}/{@code --help} option of this module's commands ({@code @Mixin HelpOption help;}):
 * only help, since they have no {@code --version} to offer.
 */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;
}
