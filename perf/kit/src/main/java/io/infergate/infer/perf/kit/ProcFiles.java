package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The per-process files of Linux's {@code /proc/<pid>/}. */
final class ProcFiles {
  private ProcFiles() {}

  /** {@code /proc/<pid>/<name>}. */
  static Path of(long pid, String name) {
    return Path.of("/proc", Long.toString(pid), name);
  }

  /** The text of {@code /proc/<pid>/<name>} now. */
  static String read(long pid, String name) {
    Path path = of(pid, name);
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
