package io.infergate.infer.gateway.ctl;

import picocli.CommandLine.Parameters;

/**
 * The optional {@code MODEL} of {@code get} and {@code history}: what they show is narrowed to it.
 */
final class ModelFilter {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "only this model (default: all)")
  String model;
}
