package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Context switches of a process, voluntary and not, summed over its threads from {@code
 * /proc/<pid>/task/<tid>/status}. Per call, they show what a single core spends handing a call from
 * thread to thread, which CPU time alone does not explain.
 *
 * <p>Threads that exit between two readings take their counts with them; the processes measured
 * here keep their threads for the whole run.
 */
public final class ContextSwitches {
  private ContextSwitches() {}

  /** The total so far over the live threads of process {@code pid}. */
  public static long of(long pid) {
    Path tasks = ProcFiles.of(pid, "task");
    long total = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        try {
          total += parse(Files.readString(thread.resolve("status")));
        } catch (NoSuchFileException exited) {
          // The thread ended after the directory was listed: nothing left to count.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tasks, e);
    }
    return total;
  }

  /** The total so far over this process's live threads. */
  public static long self() {
    return of(ProcessHandle.current().pid());
  }

  /**
   * {@code voluntary_ctxt_switches} plus {@code nonvoluntary_ctxt_switches} from one status file.
   *
   * @throws IllegalArgumentException if either line is missing
   */
  public static long parse(String status) {
    long voluntary = -1;
    long involuntary = -1;
    for (String line : status.split("\n")) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        voluntary = value(line);
      } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
        involuntary = value(line);
      }
    }
    if (voluntary < 0 || involuntary < 0) {
      throw new IllegalArgumentException("no *_ctxt_switches lines in: " + status);
    }
    return voluntary + involuntary;
  }

  private static long value(String line) {
    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
  }
}
