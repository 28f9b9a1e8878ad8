package io.infergate.infer.perf.loadtest;

import io.infergate.infer.observability.ProcessLogging;
import io.infergate.infer.observability.ProjectVersion;
import java.io.InputStream;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * {@code bin/loadtest}: parses ghz's command line (and {@code --config} file), runs the load test
 * and prints the report. Exit codes: 0 when the run completed (failed calls are part of the report,
 * as in ghz), 1 when it could not run (no connection), 2 for bad usage.
 */
public final class LoadtestMain {
  private LoadtestMain() {}

  public static void main(String[] args) {
    ProcessLogging.install();
    int code = run(args, System.out, System.err, System.in, true);
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs one invocation.
   *
   * @param signals whether SIGINT should stop the run and still print the report
   */
  static int run(
      String[] args, PrintStream out, PrintStream err, InputStream stdin, boolean signals) {
    Options options = new Options();
    CommandLine cli = new CommandLine(options);
    cli.setCaseInsensitiveEnumValuesAllowed(false);
    try {
      String config = ConfigFile.find(args);
      ConfigFile file = null;
      if (config != null) {
        file = ConfigFile.load(config);
        cli.setDefaultValueProvider(file);
      }
      cli.parseArgs(args);
      if (cli.isUsageHelpRequested()) {
        cli.usage(out);
        return 0;
      }
      if (cli.isVersionHelpRequested()) {
        // kingpin's version flag: the bare version and a newline, on stderr (its usage writer).
        err.println(ProjectVersion.current());
        return 0;
      }
      if (file != null) {
        for (String k : file.unknownKeys(cli.getCommandSpec())) {
          err.println("loadtest: config key \"" + k + "\" names no flag; ignored");
        }
      }
      return new Loadtest(options, out, err, stdin).execute(signals);
    } catch (CommandLine.ParameterException e) {
      err.println("loadtest: " + e.getMessage());
      err.println("Try 'loadtest --help' for the flags (they are ghz's).");
      return 2;
    } catch (UsageException e) {
      for (String problem : e.getMessage().split("\n", -1)) { // one line per problem
        err.println("loadtest: " + problem);
      }
      return 2;
    } catch (Loadtest.RunFailure e) {
      err.println("loadtest: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("loadtest: interrupted");
      return 1;
    }
  }
}
