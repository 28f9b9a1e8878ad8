package io.infergate.infer.perf.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU time (user + system), from {@code /proc/self/stat} where there is one (clock
 * ticks of 10 ms), else from the JVM's OperatingSystemMXBean; -1 when neither is available.
 */
final class ProcessCpu {
  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

  private ProcessCpu() {}

  static long nanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // fields after the command name (which may hold spaces) start at index 2: state
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return (utime + stime) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean) {
        return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
      }
      return -1;
    }
  }
}
