package io.infergate.infer.gateway.ctl;

import io.infergate.infer.proto.admin.v1.GetHistoryRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code gatewayctl history [MODEL] [--limit N]}: the audit log, oldest first. */
@Command(
    name = "history",
    description = "Shows the audit log, oldest first: who changed which weights, when and why.")
final class HistoryCommand extends AdminCommand {
  @Mixin ModelFilter only;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most this many of the newest entries (default: the gateway's, 100)")
  Integer limit;

  @Override
  public Integer call() {
    GetHistoryRequest.Builder request = GetHistoryRequest.newBuilder();
    if (only.model != null) {
      request.setModel(only.model);
    }
    if (limit != null) {
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit: " + limit + " (expected: >= 1)");
      }
      request.setLimit(limit);
    }
    return ctl.answer(admin -> admin.call().getHistory(request.build()), Tables::history);
  }
}
