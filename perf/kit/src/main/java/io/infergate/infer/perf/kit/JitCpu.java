package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time a JVM's JIT compiler threads have used so far, from {@code /proc/<pid>/task/}: HotSpot
 * names them {@code C1 CompilerThreadN} and {@code C2 CompilerThreadN} (cut to 15 characters by the
 * kernel). While it grows the JVM is still compiling what it serves, and a JVM pinned to one core
 * takes that time from serving: its rate is not yet the rate to measure. A warm-up is over when the
 * compilers have gone quiet, not merely when two runs agree: two runs of a JVM starved by its own
 * compiler can agree at a third of its rate.
 */
public final class JitCpu {
  /**
   * A warm-up run in which the compilers used less than this share of one core found the JVM warm:
   * what C2 still compiles after that is rare methods, a few milliseconds each.
   */
  public static final double QUIET_SHARE = 0.05;

  private JitCpu() {}

  /** CPU ticks of {@code pid}'s compiler threads now (threads that ended take theirs with them). */
  public static long ticks(long pid) {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(ProcFiles.of(pid, "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String line;
        try {
          line = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended while we listed them
        }
        if (isCompilerThread(line)) {
          ticks += ProcStat.parse(line).cpuTicks();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the threads of " + pid, e);
    }
    return ticks;
  }

  /** Whether a {@code /proc/<pid>/task/<tid>/stat} line is a HotSpot JIT compiler thread's. */
  static boolean isCompilerThread(String statLine) {
    int open = statLine.indexOf('(');
    return statLine.startsWith("C1 CompilerThre", open + 1)
        || statLine.startsWith("C2 CompilerThre", open + 1);
  }

  /** The share of one core that {@code ticks} of compiler time make over {@code nanos}. */
  public static double share(long ticks, long nanos) {
    return ticks / (double) ProcStat.TICKS_PER_SECOND / (nanos / 1e9);
  }
}
