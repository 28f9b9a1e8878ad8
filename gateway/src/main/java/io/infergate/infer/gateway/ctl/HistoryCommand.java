package io.infergate.infer.gateway.ctl;

import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.proto.admin.v1.GetHistoryRequest;
import io.infergate.infer.proto.admin.v1.GetHistoryResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatewayctl history [MODEL] [--limit N]}: the audit log, oldest first. */
@Command(
    name = "history",
    description = "Shows the audit log, oldest first: who changed which weights, when and why.")
final class HistoryCommand implements Callable<Integer> {
  @Mixin HelpAndVersion helpAndVersion;
  @ParentCommand GatewayCtlMain ctl;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL",
      description = "only this model's entries (default: all)")
  String model;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most this many of the newest entries (default: the gateway's, 100)")
  Integer limit;

  @Override
  public Integer call() {
    GetHistoryRequest.Builder request = GetHistoryRequest.newBuilder();
    if (model != null) {
      request.setModel(model);
    }
    if (limit != null) {
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit: " + limit + " (expected: >= 1)");
      }
      request.setLimit(limit);
    }
    GetHistoryResponse answer;
    try (AdminSession admin = ctl.connect()) {
      answer = admin.call().getHistory(request.build());
    }
    ctl.print(answer, Tables::history);
    return Exits.OK;
  }
}
