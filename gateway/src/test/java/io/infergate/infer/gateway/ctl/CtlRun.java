package io.infergate.infer.gateway.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** One in-process {@code gatewayctl} run: its exit code, stdout and stderr. No System.exit. */
record CtlRun(int exit, String out, String err) {
  static CtlRun of(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = GatewayCtlMain.commandLine(environment);
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exit = command.execute(args);
    return new CtlRun(exit, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
