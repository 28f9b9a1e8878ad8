package io.infergate.infer.perf;

import io.infergate.infer.perf.kit.Spread;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Markdown tables of benchmark rounds: a summary of medians over rounds per concurrency, and every
 * round for the record.
 */
final class ResultTable {
  private ResultTable() {}

  /**
   * Per concurrency, in first-seen order: median throughput of A and B with min and max over
   * rounds, the ratio of the medians with the min and max of the per-round ratios, and median
   * p50/p99 latency and CPU per call.
   */
  static String summary(List<Round> rounds) {
    StringBuilder table =
        new StringBuilder(
            "| in-flight | rounds | A: Session.run calls/s | B: ModelInfer calls/s | B/A"
                + " | A p50 / p99 µs | B p50 / p99 µs | A CPU µs/call (loop process)"
                + " | B CPU µs/call (server process) |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Integer, List<Round>> entry : byConcurrency(rounds).entrySet()) {
      List<Round> group = entry.getValue();
      Spread a = spread(group, r -> r.sessionRun().throughput());
      Spread b = spread(group, r -> r.modelInfer().throughput());
      Spread ratios = spread(group, Round::ratio);
      table.append(
          format(
              "| %d | %d | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | **%.2f** (%.2f–%.2f)"
                  + " | %.0f / %.0f | %.0f / %.0f | %.1f | %.1f |\n",
              entry.getKey(),
              group.size(),
              a.median(),
              a.min(),
              a.max(),
              b.median(),
              b.min(),
              b.max(),
              b.median() / a.median(),
              ratios.min(),
              ratios.max(),
              median(group, r -> r.sessionRun().p50Us()),
              median(group, r -> r.sessionRun().p99Us()),
              median(group, r -> r.modelInfer().p50Us()),
              median(group, r -> r.modelInfer().p99Us()),
              median(group, r -> r.sessionRun().cpuMicrosPerCall()),
              median(group, r -> r.modelInfer().cpuMicrosPerCall())));
    }
    return table.toString();
  }

  /** Every round, with the full latency spread and how busy each side's core was. */
  static String rounds(List<Round> rounds) {
    StringBuilder table =
        new StringBuilder(
            "| in-flight | round | A calls/s | B calls/s | B/A"
                + " | A p50 / p90 / p99 / p99.9 / max µs | B p50 / p90 / p99 / p99.9 / max µs"
                + " | A core busy | server core busy in B | load generator CPU µs/call"
                + " | context switches per call, A / server | idle server CPU in A |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<Integer, Integer> seen = new LinkedHashMap<>();
    for (Round round : rounds) {
      int number = seen.merge(round.concurrency(), 1, Integer::sum);
      Measurement a = round.sessionRun();
      Measurement b = round.modelInfer();
      table.append(
          format(
              "| %d | %d | %.0f | %.0f | %.2f | %s | %s | %.0f%% | %.0f%% | %.1f | %.1f / %.1f"
                  + " | %.2f s |\n",
              round.concurrency(),
              number,
              a.throughput(),
              b.throughput(),
              round.ratio(),
              latencies(a),
              latencies(b),
              100 * a.cpuBusy(),
              100 * b.cpuBusy(),
              round.loadCpuSeconds() * 1e6 / b.calls(),
              a.contextSwitchesPerCall(),
              b.contextSwitchesPerCall(),
              round.idleServerCpuSeconds()));
    }
    return table.toString();
  }

  /**
   * States whether the ratio of median throughputs at {@code concurrency} meets {@code target}, or
   * that the concurrency was not run.
   */
  static String verdict(List<Round> rounds, int concurrency, double target) {
    List<Round> group = byConcurrency(rounds).get(concurrency);
    if (group == null) {
      return format("B/A at in-flight %d: not measured (target ≥ %.2f×)", concurrency, target);
    }
    double ratio =
        spread(group, r -> r.modelInfer().throughput()).median()
            / spread(group, r -> r.sessionRun().throughput()).median();
    return format(
        "B/A at in-flight %d: %.2f× (target ≥ %.2f×): %s",
        concurrency, ratio, target, ratio >= target ? "met" : "NOT met");
  }

  private static Map<Integer, List<Round>> byConcurrency(List<Round> rounds) {
    Map<Integer, List<Round>> groups = new LinkedHashMap<>();
    for (Round round : rounds) {
      groups.computeIfAbsent(round.concurrency(), c -> new ArrayList<>()).add(round);
    }
    return groups;
  }

  private static Spread spread(List<Round> rounds, ToDoubleFunction<Round> figure) {
    List<Double> values = new ArrayList<>(rounds.size());
    for (Round round : rounds) {
      values.add(figure.applyAsDouble(round));
    }
    return Spread.of(values);
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
    return spread(rounds, figure).median();
  }

  private static String latencies(Measurement m) {
    return format(
        "%.0f / %.0f / %.0f / %.0f / %.0f", m.p50Us(), m.p90Us(), m.p99Us(), m.p999Us(), m.maxUs());
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
