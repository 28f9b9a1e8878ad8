package io.infergate.infer.gateway.ctl;

import com.google.protobuf.MessageOrBuilder;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.observability.HelpAndVersion;
import io.infergate.infer.observability.ProcessLogging;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code bin/gatewayctl COMMAND}: reads and changes a running gateway's routes through its admin
 * port. Each command is one admin call (a write first reads the revision it is based on, unless
 * {@code --based-on} names it); a failed call prints its gRPC status on one line of stderr and
 * exits with the code {@link Exits} gives it.
 */
@Command(
    name = "gatewayctl",
    description = "Reads and changes a running gateway's routes through its admin port.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      GetCommand.class,
      SetWeightsCommand.class,
      RampCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      AbortCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      HistoryCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:any other failure",
      "2:bad usage (a flag or argument; an unreadable token or TLS file)",
      "3:UNAUTHENTICATED or PERMISSION_DENIED: no, unknown or too weak a token",
      "4:FAILED_PRECONDITION: a stale revision or a ramp in the way; read again and retry",
      "5:INVALID_ARGUMENT or NOT_FOUND: the gateway refused the values",
      "6:UNAVAILABLE or DEADLINE_EXCEEDED: the admin port cannot be reached",
    },
    footer = {
      "",
      "Environment: GATEWAYCTL_ADMIN (--admin), GATEWAYCTL_TOKEN_FILE (--token-file),"
          + " GATEWAYCTL_TOKEN (the token itself)."
    })
public final class GatewayCtlMain implements Runnable {
  @Mixin HelpAndVersion helpAndVersion;

  // Inherited by every subcommand: they go before or after the command's name.
  @Mixin AdminConnection connection;
  @Mixin Output output;

  @Spec CommandSpec spec;

  private final Map<String, String> environment;

  GatewayCtlMain(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Runs one command and exits with its code. */
  public static void main(String[] args) {
    ProcessLogging.install();
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The whole command, reading {@code environment} for the defaults the flags leave open. */
  static CommandLine commandLine(Map<String, String> environment) {
    return new CommandLine(new GatewayCtlMain(environment))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(GatewayCtlMain::usage)
        .setExecutionExceptionHandler(new FailureHandler());
  }

  /** A session with the admin port the flags and the environment name. */
  private AdminSession connect() {
    CommandLine running = spec.commandLine();
    while (running.getParseResult() != null && running.getParseResult().hasSubcommand()) {
      running = running.getParseResult().subcommand().commandSpec().commandLine();
    }
    return connection.open(environment, running);
  }

  /**
   * What every command does once its flags are checked: one session with the admin port, {@code
   * call} through it, and the answer printed in the format {@code -o} asks for.
   *
   * @return the exit code for a call that succeeded
   */
  <M extends MessageOrBuilder> int answer(
      Function<AdminSession, M> call, Function<M, String> table) {
    M answer;
    try (AdminSession admin = connect()) {
      answer = call.apply(admin);
    }
    output.print(answer, table);
    return Exits.OK;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /**
   * A usage error, found by picocli or by a command before its call: the message, and where help
   * is, rather than the whole usage text (which would bury the message).
   */
  private static int usage(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("gatewayctl: " + FailureHandler.oneLine(e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println(
        "Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return Exits.USAGE;
  }

  /** One line on stderr and the exit code of the failure. */
  private static final class FailureHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
      PrintWriter err = command.getErr();
      int exit;
      if (e instanceof StatusRuntimeException failed) {
        String description = failed.getStatus().getDescription();
        err.println(
            "gatewayctl: "
                + failed.getStatus().getCode()
                + (description == null ? "" : ": " + oneLine(description)));
        exit = Exits.of(failed.getStatus().getCode());
      } else {
        err.println("gatewayctl: " + oneLine(e.toString()));
        exit = Exits.FAILED;
      }
      err.flush();
      return exit;
    }

    static String oneLine(String text) {
      return text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
  }
}
