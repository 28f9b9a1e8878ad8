package io.infergate.infer.perf.kit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a result must be recorded with: the machine, the JVM, and whether the sides can be pinned to
 * separate cores. Read from Linux's /proc and /sys; absent files read as "unknown".
 *
 * @param onlineCpus CPUs the machine has online (not this process's affinity, which the launcher
 *     narrows to one core)
 * @param cpuModel the first {@code model name} in /proc/cpuinfo
 * @param jvm JVM name and runtime version
 * @param ownCpus this process's affinity ({@code Cpus_allowed_list}), as pinned by its launcher
 * @param taskset whether {@code taskset} is on the PATH
 */
public record Machine(
    int onlineCpus, String cpuModel, String jvm, String ownCpus, boolean taskset) {
  /** What a field reads as when its file is absent. */
  public static final String UNKNOWN = "unknown";

  /** Reads the running machine. */
  public static Machine current() {
    String online = readOr(Path.of("/sys/devices/system/cpu/online"), "");
    int cpus =
        online.isBlank() ? Runtime.getRuntime().availableProcessors() : CpuLists.count(online);
    return new Machine(
        cpus,
        cpuModel(readOr(Path.of("/proc/cpuinfo"), "")),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        statusField(readOr(Path.of("/proc/self/status"), ""), "Cpus_allowed_list"),
        onPath("taskset"));
  }

  /** Whether the server side and the load side can each have a core of their own. */
  public boolean canPin() {
    return taskset && onlineCpus >= 2;
  }

  /** {@code command} prefixed with {@code taskset -c cpu} when pinning is possible. */
  public List<String> onCpu(int cpu, List<String> command) {
    return ChildProcess.pinned(canPin() ? Integer.toString(cpu) : "", command);
  }

  /**
   * The 1-, 5- and 15-minute load averages now, as /proc/loadavg has them: how busy the shared
   * machine was around a run.
   */
  public static String loadAverage() {
    String[] fields = readOr(Path.of("/proc/loadavg"), "").trim().split("\\s+");
    return fields.length < 3 ? UNKNOWN : fields[0] + " " + fields[1] + " " + fields[2];
  }

  /** The first {@code model name} in /proc/cpuinfo text. */
  public static String cpuModel(String cpuinfo) {
    return field(cpuinfo, "model name", ':');
  }

  /** A {@code Key:\tvalue} line of /proc/<pid>/status text. */
  public static String statusField(String status, String key) {
    return field(status, key, ':');
  }

  private static String field(String text, String key, char separator) {
    for (String line : text.split("\n")) {
      int at = line.indexOf(separator);
      if (at > 0 && line.substring(0, at).trim().equals(key)) {
        return line.substring(at + 1).trim();
      }
    }
    return UNKNOWN;
  }

  private static String readOr(Path path, String fallback) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      return fallback;
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
