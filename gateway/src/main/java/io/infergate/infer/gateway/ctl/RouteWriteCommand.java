package io.infergate.infer.gateway.ctl;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A subcommand that changes one route: the route's model first, then the command's own arguments,
 * and {@code --reason} and {@code --based-on} for the audit log and the revision check.
 */
abstract class RouteWriteCommand extends AdminCommand {
  @Mixin WriteOptions write;

  @Parameters(index = "0", paramLabel = "MODEL", description = "the route's model")
  String model;
}
