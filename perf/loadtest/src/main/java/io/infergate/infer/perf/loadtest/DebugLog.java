package io.infergate.infer.perf.loadtest;

import static io.infergate.infer.perf.loadtest.Flags.notBlank;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** ghz's {@code --debug} file: the run's phases as JSON lines, written once at the end. */
final class DebugLog {
  private final String file;
  private final List<String> lines = new ArrayList<>();

  /** A log kept for {@code file}; none (every call a no-op) when it is null or blank. */
  DebugLog(String file) {
    this.file = file;
  }

  void add(String msg) {
    if (notBlank(file)) {
      lines.add(
          new GoJson()
              .beginObject()
              .name("level")
              .value("debug")
              .name("ts")
              .value(System.currentTimeMillis() / 1000.0)
              .name("msg")
              .value(msg)
              .endObject()
              .toString());
    }
  }

  /** Writes the lines, if any; a failure is said on {@code err}, as the run itself went well. */
  void flush(PrintStream err) {
    if (notBlank(file) && !lines.isEmpty()) {
      try {
        Files.write(Path.of(file), lines, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("loadtest: cannot write --debug " + file + ": " + e.getMessage());
      }
    }
  }
}
