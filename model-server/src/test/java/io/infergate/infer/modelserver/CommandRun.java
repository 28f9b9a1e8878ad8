package io.infergate.infer.modelserver;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * One run of {@code model-server} with no environment, as a shell would start it: its exit code and
 * what it printed.
 */
record CommandRun(int code, String out, String err) {

  static CommandRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new ModelServerMain(Map.of()));
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int code = command.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
  }
}
