package io.infergate.infer.gateway.ctl;

import io.infergate.infer.observability.HelpAndVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand has: {@code --help} and {@code --version}, the parent that connects to the
 * admin port and prints answers, and its own spec for usage errors that name it.
 */
abstract class AdminCommand implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;
  @ParentCommand GatewayCtlMain ctl;
  @Spec CommandSpec spec;
}
