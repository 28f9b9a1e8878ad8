package io.infergate.infer.perf.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-core busy time from {@code /proc/stat}: on a shared machine the share of each core that was
 * busy during a run, set beside what our own processes used, shows how much others took.
 */
public final class CoreTimes {
  private CoreTimes() {}

  /** Cumulative ticks of one core: busy (everything but idle and iowait), steal, and total. */
  public record Core(int cpu, long busyTicks, long stealTicks, long totalTicks) {}

  /** The {@code cpuN} lines of {@code /proc/stat}, in order. */
  static List<Core> parse(List<String> procStat) {
    List<Core> cores = new ArrayList<>();
    for (String line : procStat) {
      if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
        continue;
      }
      String[] fields = line.trim().split(" +");
      int cpu = Integer.parseInt(fields[0].substring(3));
      long total = 0;
      long idle = 0;
      long steal = 0;
      // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already
      // inside user and nice, so only the first eight add up to the total.
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        long value = Long.parseLong(fields[i]);
        total += value;
        if (i == 4 || i == 5) {
          idle += value;
        }
        if (i == 8) {
          steal = value;
        }
      }
      cores.add(new Core(cpu, total - idle, steal, total));
    }
    return cores;
  }

  public static List<Core> read() throws IOException {
    return parse(Files.readAllLines(Path.of("/proc/stat")));
  }

  /** Busy percent of each core between two readings, e.g. {@code "97/88"}. */
  public static String busyPercent(List<Core> before, List<Core> after) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(before.size(), after.size()); i++) {
      long total = after.get(i).totalTicks() - before.get(i).totalTicks();
      long busy = after.get(i).busyTicks() - before.get(i).busyTicks();
      if (i > 0) {
        out.append('/');
      }
      out.append(total == 0 ? "-" : Long.toString(Math.round(100.0 * busy / total)));
    }
    return out.toString();
  }
}
