package io.infergate.infer.perf;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.infergate.infer.observability.ProjectVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What every benchmark suite's command has ({@code @Mixin Suite suite;}): {@code --help}, {@code
 * --version}, and {@code --out}, where the Markdown results it prints are also written.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class)
public final class Suite {
  @Option(
      names = {"--out", "--output"},
      description = "also write the Markdown results here")
  private Path out;

  /** Where the results are also written, or null. */
  public Path out() {
    return out;
  }

  /** Prints {@code markdown} to standard output and writes it to {@code --out} if given. */
  public void print(String markdown) throws IOException {
    System.out.print(markdown);
    System.out.flush();
    if (out != null) {
      Files.writeString(out, markdown, UTF_8);
    }
  }
}
