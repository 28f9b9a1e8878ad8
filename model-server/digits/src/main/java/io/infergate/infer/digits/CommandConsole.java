package io.infergate.infer.digits;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What this module's commands share ({@code @Mixin CommandConsole console;}): {@code -h}/{@code
 * --help}, without a {@code --version} since they have none to offer, and the command's out and err
 * writers, which picocli lets tests replace.
 */
final class CommandConsole {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  /** The command's standard output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** The command's standard error. */
  PrintWriter err() {
    return command.commandLine().getErr();
  }
}
