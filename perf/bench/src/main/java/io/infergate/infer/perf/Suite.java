package io.infergate.infer.perf;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.infergate.infer.observability.ProjectVersion;
import io.infergate.infer.perf.kit.Machine;
import io.infergate.infer.perf.kit.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  /** Where the results are also written, or null. */
  public Path out() {
    return out;
  }

  /**
   * A {@code what | value} table whose first rows say when and how the suite ran: the date, and the
   * command as {@code commandVariable} has it (the suite's perf/bin script adds the classpaths and
   * paths, so it says what the user typed), else the main class and its arguments.
   */
  public Table environment(String commandVariable) {
    Table table = new Table("what", "value");
    table.row("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    String invokedAs = System.getenv(commandVariable);
    table.row(
        "command",
        "`"
            + (invokedAs != null
                ? invokedAs.trim()
                : command.userObject().getClass().getSimpleName()
                    + " "
                    + String.join(" ", command.commandLine().getParseResult().originalArgs()))
            + "`");
    return table;
  }

  /** All CPUs of the machine, from /proc/cpuinfo (a suite pinned to one cannot ask the JVM). */
  public static int processors() throws IOException {
    int count = 0;
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("processor")) {
        count++;
      }
    }
    return count;
  }

  /** The CPU's model name from /proc/cpuinfo, or {@code unknown CPU}. */
  public static String cpuModel() throws IOException {
    String model = Machine.cpuModel(Files.readString(Path.of("/proc/cpuinfo")));
    return model.equals(Machine.UNKNOWN) ? "unknown CPU" : model;
  }

  /** The JVM's name and runtime version. */
  public static String jvm() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  /**
   * Prints {@code markdown} to standard output and writes it to {@code --out} if given, creating
   * the directory it names if need be.
   */
  public void print(String markdown) throws IOException {
    System.out.print(markdown);
    System.out.flush();
    if (out != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, markdown, UTF_8);
    }
  }
}
