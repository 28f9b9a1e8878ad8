package io.infergate.infer.perf;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * What one measured window of a closed-loop run produced: completed calls, their latency
 * percentiles, and the CPU time that the measured process spent meanwhile.
 *
 * <p>Child processes print it as one line of flat JSON ({@link #toJson()}) and the orchestrator
 * reads it back ({@link #fromJson(String)}), so the two sides need no JSON library.
 *
 * @param calls calls completed in the window
 * @param seconds the window's length
 * @param p50Us median latency in microseconds; likewise {@code p90Us}, {@code p99Us}, {@code
 *     p999Us} (99.9th percentile) and {@code maxUs}
 * @param cpuSeconds user plus system CPU time of the process doing the model work, in the window
 * @param contextSwitches context switches of that process's threads in the window
 */
record Measurement(
    long calls,
    double seconds,
    double p50Us,
    double p90Us,
    double p99Us,
    double p999Us,
    double maxUs,
    double cpuSeconds,
    long contextSwitches) {

  private static final Pattern FIELD =
      Pattern.compile("\"(\\w+)\"\\s*:\\s*(-?[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?)");

  /**
   * Summarises a window.
   *
   * @param latencyMicros one value per completed call, in microseconds
   */
  static Measurement of(
      Histogram latencyMicros, long windowNanos, double cpuSeconds, long contextSwitches) {
    return new Measurement(
        latencyMicros.getTotalCount(),
        windowNanos / 1e9,
        latencyMicros.getValueAtPercentile(50),
        latencyMicros.getValueAtPercentile(90),
        latencyMicros.getValueAtPercentile(99),
        latencyMicros.getValueAtPercentile(99.9),
        latencyMicros.getMaxValue(),
        cpuSeconds,
        contextSwitches);
  }

  /** Calls per second. */
  double throughput() {
    return calls / seconds;
  }

  /** CPU microseconds spent per completed call. */
  double cpuMicrosPerCall() {
    return cpuSeconds * 1e6 / calls;
  }

  /** Context switches per completed call. */
  double contextSwitchesPerCall() {
    return (double) contextSwitches / calls;
  }

  /** The share of one core the process used in the window (1.0 = one core fully busy). */
  double cpuBusy() {
    return cpuSeconds / seconds;
  }

  /** One line of flat JSON, with the derived throughput and CPU per call added for readers. */
  String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"calls\":%d,\"seconds\":%.3f,\"throughput\":%.1f,\"p50Us\":%.1f,\"p90Us\":%.1f,"
            + "\"p99Us\":%.1f,\"p999Us\":%.1f,\"maxUs\":%.1f,\"cpuSeconds\":%.3f,"
            + "\"cpuUsPerCall\":%.2f,\"contextSwitches\":%d}",
        calls,
        seconds,
        throughput(),
        p50Us,
        p90Us,
        p99Us,
        p999Us,
        maxUs,
        cpuSeconds,
        cpuMicrosPerCall(),
        contextSwitches);
  }

  /**
   * Reads what {@link #toJson()} wrote; derived and unknown keys are ignored.
   *
   * @throws IllegalArgumentException naming the first missing key
   */
  static Measurement fromJson(String json) {
    Map<String, String> fields = new HashMap<>();
    Matcher matcher = FIELD.matcher(json);
    while (matcher.find()) {
      fields.put(matcher.group(1), matcher.group(2));
    }
    return new Measurement(
        Long.parseLong(field(fields, "calls", json)),
        Double.parseDouble(field(fields, "seconds", json)),
        Double.parseDouble(field(fields, "p50Us", json)),
        Double.parseDouble(field(fields, "p90Us", json)),
        Double.parseDouble(field(fields, "p99Us", json)),
        Double.parseDouble(field(fields, "p999Us", json)),
        Double.parseDouble(field(fields, "maxUs", json)),
        Double.parseDouble(field(fields, "cpuSeconds", json)),
        Long.parseLong(field(fields, "contextSwitches", json)));
  }

  private static String field(Map<String, String> fields, String key, String json) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no numeric '" + key + "' in: " + json);
    }
    return value;
  }
}
