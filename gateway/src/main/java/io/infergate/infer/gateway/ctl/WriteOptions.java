package io.infergate.infer.gateway.ctl;

import picocli.CommandLine.Option;

/** What every write takes: why (for the audit log) and the revision it is based on. */
final class WriteOptions {
  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      defaultValue = "",
      description = "why, for the audit log")
  String reason;

  @Option(
      names = "--based-on",
      paramLabel = "REVISION",
      description =
          "the revision this write is based on (default: the current one, read first); a stale"
              + " one fails with exit code 4")
  Long basedOn;

  /**
   * The revision to write on: {@code --based-on}, else the current one, read through {@code admin}.
   */
  long revision(AdminSession admin) {
    return admin.revision(basedOn);
  }
}
