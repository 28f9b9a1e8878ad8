package io.infergate.infer.perf.loadtest;

import static io.infergate.infer.perf.loadtest.Flags.notBlank;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints a report in the chosen format to {@code --output}, or else to stdout. */
final class ReportWriter {
  private final Settings.Output settings;
  private final PrintStream out;

  ReportWriter(Settings.Output settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /**
   * Writes {@code report}.
   *
   * @throws Loadtest.RunFailure when the output file cannot be written
   */
  void write(Report report) {
    if (notBlank(settings.file())) {
      Path p = Path.of(settings.file());
      try {
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
          Printers.print(report, settings.format(), w);
        }
      } catch (IOException | UncheckedIOException e) {
        throw new Loadtest.RunFailure("cannot write " + settings.file() + ": " + e.getMessage(), e);
      }
    } else {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
      Printers.print(report, settings.format(), w);
      try {
        w.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.flush();
    }
  }
}
