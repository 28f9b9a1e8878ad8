package io.infergate.infer.perf.kit;

/**
 * Linux CPU list syntax ({@code 0-1,4}), as in {@code /sys/devices/system/cpu/online} and the
 * {@code Cpus_allowed_list} line of {@code /proc/<pid>/status}.
 */
public final class CpuLists {
  private CpuLists() {}

  /**
   * How many CPUs {@code list} names.
   *
   * @throws IllegalArgumentException if it is not a CPU list
   */
  public static int count(String list) {
    int count = 0;
    for (String part : list.trim().split(",")) {
      int dash = part.indexOf('-');
      try {
        if (dash < 0) {
          Integer.parseInt(part);
          count++;
        } else {
          int first = Integer.parseInt(part.substring(0, dash));
          int last = Integer.parseInt(part.substring(dash + 1));
          if (last < first) {
            throw new IllegalArgumentException("not a CPU list: '" + list + "'");
          }
          count += last - first + 1;
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a CPU list: '" + list + "'", e);
      }
    }
    return count;
  }
}
