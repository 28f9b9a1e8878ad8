package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and threads of a process, from Linux's {@code /proc/<pid>/status}. RSS is the figure that
 * counts here: TensorFlow allocates through its own {@code malloc} calls, which the JVM's native
 * memory tracking never sees.
 *
 * @param rssKb {@code VmRSS}: resident pages, anonymous and file-backed
 * @param rssAnonKb {@code RssAnon}: resident anonymous pages (heaps, malloc arenas, stacks); a leak
 *     shows here
 * @param rssFileKb {@code RssFile}: resident file-backed pages, mostly the mapped {@code .so}
 *     libraries (libtensorflow alone is hundreds of MB)
 * @param threads {@code Threads}
 */
public record ProcessStatus(long rssKb, long rssAnonKb, long rssFileKb, int threads) {

  /** The current status of process {@code pid}. */
  public static ProcessStatus read(long pid) {
    return parse(ProcFiles.read(pid, "status"));
  }

  /**
   * Parses {@code status} text: {@code Key:<tab>value} lines, sizes as {@code 581496 kB}.
   *
   * @throws IllegalArgumentException if a field is missing
   */
  public static ProcessStatus parse(String status) {
    return new ProcessStatus(
        number(status, "VmRSS"),
        number(status, "RssAnon"),
        number(status, "RssFile"),
        (int) number(status, "Threads"));
  }

  /** Open file descriptors of process {@code pid}: the entries of {@code /proc/<pid>/fd}. */
  public static int openFileDescriptors(long pid) {
    Path fds = ProcFiles.of(pid, "fd");
    try (var entries = Files.list(fds)) {
      return (int) entries.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + fds, e);
    }
  }

  private static long number(String status, String key) {
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equals(key)) {
        String value = line.substring(colon + 1).trim();
        int space = value.indexOf(' ');
        try {
          return Long.parseLong(space < 0 ? value : value.substring(0, space));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(key + ": not a number in: " + line, e);
        }
      }
    }
    throw new IllegalArgumentException(key + ": missing from /proc/<pid>/status text");
  }
}
