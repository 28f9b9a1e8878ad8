package io.infergate.infer.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.infer.perf.gateway.GatewayBenchmark;
import io.infergate.infer.perf.reliability.RapidResetBench;
import io.infergate.infer.perf.reliability.ReliabilityBench;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ServerJvmsTest {

  @Test
  void withoutFlagsTheGatewayRunsFromThisClasspathWithOneGigabyteOfHeap() {
    FakeBench bench = new FakeBench();

    new CommandLine(bench).parseArgs();

    assertThat(bench.jvms.gatewayClasspath()).isEqualTo(System.getProperty("java.class.path"));
    assertThat(bench.jvms.jvmOptions()).containsExactly("-Xmx1g");
    assertThat(bench.jvms.describe()).endsWith(", server JVMs with `-Xmx1g`");
  }

  @Test
  void theFlagsSetTheClasspathAndSplitTheJvmOptionsAtWhiteSpace() {
    FakeBench bench = new FakeBench();

    new CommandLine(bench)
        .parseArgs("--gateway-classpath", "a.jar:b.jar", "--jvm-options", " -Xms2g  -Xmx2g ");

    assertThat(bench.jvms.gatewayClasspath()).isEqualTo("a.jar:b.jar");
    assertThat(bench.jvms.jvmOptions()).containsExactly("-Xms2g", "-Xmx2g");
  }

  @Test
  void aSuiteMayStartItsServersWithOtherJvmOptionsByDefault() {
    HeavierBench bench = new HeavierBench();

    new CommandLine(bench).parseArgs();

    assertThat(bench.jvms.jvmOptions()).containsExactly("-Xms1g", "-Xmx1g");
    assertThat(bench.jvms.gatewayClasspath()).isEqualTo(System.getProperty("java.class.path"));
  }

  @Test
  void theGatewayBenchStartsItsServersWithAFixedOneGigabyteHeapByDefault() {
    CommandLine commandLine = new CommandLine(new GatewayBenchmark());

    commandLine.parseArgs("--model-server-classpath", "m.jar");

    assertThat(commandLine.getCommandSpec().findOption("--jvm-options").<String>getValue())
        .isEqualTo("-Xms1g -Xmx1g");
  }

  @Test
  void theSuitesThatStartGatewaysTakeBothFlags() {
    for (Object suite : new Object[] {new RapidResetBench(), new ReliabilityBench()}) {
      CommandLine.ParseResult parsed =
          new CommandLine(suite)
              .parseArgs("--gateway-classpath", "g.jar", "--jvm-options", "-Xmx2g");

      assertThat(parsed.matchedOptionValue("--gateway-classpath", "")).isEqualTo("g.jar");
      assertThat(parsed.matchedOptionValue("--jvm-options", "")).isEqualTo("-Xmx2g");
    }
  }

  @Command(name = "fake-bench")
  static final class FakeBench {
    @Mixin ServerJvms jvms;
  }

  @Command(name = "heavier-bench")
  static final class HeavierBench {
    @Mixin ServerJvms jvms = new ServerJvms("-Xms1g -Xmx1g");
  }
}
