package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time a process has used so far, from Linux's {@code /proc/<pid>/stat}: user plus system time
 * of all its threads (JIT, GC and I/O threads included), which is what a core budget pays for,
 * whatever the load generator believes.
 *
 * @param pid field 1
 * @param parentPid field 4, {@code ppid}
 * @param userTicks field 14, {@code utime}, in clock ticks
 * @param systemTicks field 15, {@code stime}, in clock ticks
 */
public record ProcStat(int pid, int parentPid, long userTicks, long systemTicks) {

  /**
   * {@code USER_HZ}: the kernel reports these fields in 1/100 s on every architecture we run on
   * (x86-64 and arm64 fix it at 100, whatever the kernel's internal tick rate).
   */
  public static final int TICKS_PER_SECOND = 100;

  /** The current state of process {@code pid}. */
  public static ProcStat read(long pid) {
    return parse(ProcFiles.read(pid, "stat"));
  }

  /** The current state of this process. */
  public static ProcStat self() {
    return read(ProcessHandle.current().pid());
  }

  /**
   * Parses one {@code stat} line. The second field is the command name in parentheses and may
   * itself contain spaces and parentheses, so fields are counted from the last {@code ')'}.
   *
   * @throws IllegalArgumentException if the line is not a stat line
   */
  public static ProcStat parse(String line) {
    int open = line.indexOf('(');
    int end = line.lastIndexOf(')');
    if (open < 0 || end < open) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
    }
    // After ") " come fields 3 (state), 4, 5, ...: field n is at index n - 3.
    String[] fields = line.substring(end + 1).trim().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
    }
    try {
      return new ProcStat(
          Integer.parseInt(line.substring(0, open).trim()),
          Integer.parseInt(fields[1]),
          Long.parseLong(fields[11]),
          Long.parseLong(fields[12]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line, e);
    }
  }

  /** User plus system time, in clock ticks. */
  public long cpuTicks() {
    return userTicks + systemTicks;
  }

  /** User plus system time, in seconds. */
  public double cpuSeconds() {
    return (double) cpuTicks() / TICKS_PER_SECOND;
  }

  /** CPU seconds used between {@code earlier} and this reading. */
  public double secondsSince(ProcStat earlier) {
    return cpuSeconds() - earlier.cpuSeconds();
  }

  /**
   * CPU ticks of {@code pid} and of its live descendants (nginx: the master and its worker). A
   * child that exits in between takes its ticks with it, which none of ours do while measured.
   */
  public static long treeCpuTicks(long pid) {
    List<ProcStat> all = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          all.add(parse(Files.readString(entry.resolve("stat"))));
        } catch (IOException e) {
          // The process exited while we listed /proc: it is not one of ours (ours are alive).
          continue;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return treeCpuTicks(pid, all);
  }

  /** CPU ticks of {@code pid} and its descendants among {@code samples}. */
  public static long treeCpuTicks(long pid, List<ProcStat> samples) {
    long ticks = 0;
    List<Long> frontier = new ArrayList<>(List.of(pid));
    while (!frontier.isEmpty()) {
      long parent = frontier.remove(frontier.size() - 1);
      for (ProcStat sample : samples) {
        if (sample.pid() == parent) {
          ticks += sample.cpuTicks();
        }
        if (sample.parentPid() == parent) {
          frontier.add((long) sample.pid());
        }
      }
    }
    return ticks;
  }
}
