package io.infergate.infer.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class SuiteTest {

  @Test
  void environmentNamesTheSuiteAndTheArgumentsItWasGivenWhenNoScriptSaysOtherwise() {
    FakeBench bench = new FakeBench();

    int exit = new CommandLine(bench).execute("--rounds", "3", "--out", "results.md");

    assertThat(exit).isZero();
    assertThat(bench.environment.lines().toList())
        .hasSize(4)
        .element(3)
        .isEqualTo("| command | `FakeBench --rounds 3 --out results.md` |");
    assertThat(bench.environment.lines().toList().get(2)).startsWith("| date | 20");
  }

  @Command(name = "fake-bench")
  static final class FakeBench implements Callable<Integer> {
    @Option(names = "--rounds")
    int rounds;

    @Mixin Suite suite;

    String environment;

    @Override
    public Integer call() {
      environment = suite.environment("FAKE_BENCH_COMMAND_THAT_IS_NEVER_SET").toString();
      return 0;
    }
  }
}
