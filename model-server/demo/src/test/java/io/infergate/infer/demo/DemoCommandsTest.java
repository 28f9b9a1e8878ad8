package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * bin/demo's and bin/replay's commands parse their own flags (picocli refuses a command whose
 * options clash, e.g. a {@code --version} of its own beside the standard one) and answer {@code
 * --version}.
 */
class DemoCommandsTest {
  static Stream<Callable<Integer>> commands() {
    return Stream.of(
        new DigitsDemoClient(),
        new DigitsCanaryClient(),
        new DigitsReleaseClient(),
        new DigitsReplay());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void answerVersionWithTheProjectsVersion(Callable<Integer> command) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));

    assertThat(cli.execute("--version")).isZero();
    assertThat(out.toString()).startsWith(cli.getCommandName() + " ").contains("0.");
  }
}
