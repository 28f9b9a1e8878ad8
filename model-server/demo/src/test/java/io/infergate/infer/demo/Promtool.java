package io.infergate.infer.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker ({@code promtool}, Debian's {@code prometheus} package; CI installs it):
 * where it is absent the calling test is skipped, saying so, rather than passing unchecked.
 */
final class Promtool {
  private Promtool() {}

  /** Runs {@code promtool check metrics} on {@code file} and asserts it is clean. */
  static void checkMetrics(Path file) throws IOException, InterruptedException {
    assumeTrue(available(), "promtool is not installed (apt-get install prometheus)");
    Process process =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool check metrics %s:%n%s", file, output).isZero();
  }

  private static boolean available() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
        return true;
      }
    }
    return false;
  }
}
