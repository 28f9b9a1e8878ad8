package io.infergate.infer.perf.loadtest;

import io.infergate.infer.observability.config.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Finds the highest open-loop rate whose latency (from the intended send time) meets every
 * objective: doubling from the lowest rate until a probe misses, then bisecting. A probe meets the
 * SLO when each percentile is within its bound, it had no errors, and the harness actually sent at
 * least 95% of the requested rate (otherwise the figure would describe the harness, not the
 * server).
 */
final class SloSearch {
  private static final Pattern OBJECTIVE = Pattern.compile("p([0-9]+(?:\\.[0-9]+)?)=(.+)");
  private static final int MAX_PROBES = 24;

  /** One percentile bound, e.g. p99 ≤ 50 ms. */
  record Objective(double percentile, long thresholdNanos, String text) {
    static Objective parse(String s) {
      Matcher m = OBJECTIVE.matcher(s.trim());
      if (!m.matches()) {
        throw new UsageException("--slo " + s + ": expected pNN=DURATION, e.g. p99=50ms");
      }
      double p = Double.parseDouble(m.group(1));
      if (p <= 0 || p >= 100) {
        throw new UsageException("--slo " + s + ": percentile must be in (0, 100)");
      }
      long nanos;
      try {
        nanos = Durations.parse(m.group(2)).toNanos();
      } catch (IllegalArgumentException e) {
        throw new UsageException("--slo " + s + ": " + e.getMessage());
      }
      if (nanos <= 0) {
        throw new UsageException("--slo " + s + ": the bound must be > 0");
      }
      return new Objective(p, nanos, s.trim());
    }
  }

  /** One probe's outcome. */
  record Probe(
      double requestedRps,
      double achievedRps,
      long p50,
      long p99,
      long p999,
      long errors,
      boolean meets) {}

  /** Runs one open-loop probe at a rate and hands back the finished run. */
  interface ProbeRunner {
    Runner.Finished run(double rps) throws InterruptedException;
  }

  private final List<Objective> objectives;
  private final double minRps;
  private final double maxRps;
  private final double precision;
  final List<Probe> probes = new ArrayList<>();
  Runner.Finished best;
  Runner.Finished first;
  double bestRps = -1;

  SloSearch(List<Objective> objectives, double minRps, double maxRps, double precision) {
    this.objectives = objectives;
    this.minRps = minRps;
    this.maxRps = maxRps;
    this.precision = precision;
  }

  String describe() {
    List<String> s = new ArrayList<>();
    objectives.forEach(o -> s.add(o.text()));
    return String.join(",", s);
  }

  void search(ProbeRunner runner, Consumer<String> log) throws InterruptedException {
    runner.run(minRps); // warm-up (JIT, connections) at the lowest rate; not counted
    double lo = -1;
    double hi = -1;
    double rate = minRps;
    while (probes.size() < MAX_PROBES) {
      boolean meets = probe(runner, rate, log);
      if (meets) {
        lo = rate;
        if (rate >= maxRps) {
          return;
        }
        rate = Math.min(maxRps, rate * 2);
      } else {
        hi = rate;
        break;
      }
    }
    if (lo < 0) {
      return;
    }
    while (probes.size() < MAX_PROBES && hi > 0 && (hi - lo) / lo > precision) {
      double mid = Math.floor((lo + hi) / 2);
      if (mid <= lo || mid >= hi) {
        break;
      }
      if (probe(runner, mid, log)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }

  private boolean probe(ProbeRunner runner, double rate, Consumer<String> log)
      throws InterruptedException {
    Runner.Finished r = runner.run(rate);
    if (first == null) {
      first = r;
    }
    Recorder rec = r.recorder();
    Histogram h;
    long errors;
    long sent;
    synchronized (rec) {
      h = rec.intended.copy();
      errors = rec.count - rec.statusCounts[0];
      sent = rec.sent;
    }
    double seconds = r.totalNanos() / 1e9;
    double achieved = seconds > 0 ? Math.min(sent, rec.count) / seconds : 0;
    boolean meets = errors == 0 && h.getTotalCount() > 0 && achieved >= 0.95 * rate;
    for (Objective o : objectives) {
      if (h.getTotalCount() == 0 || h.getValueAtPercentile(o.percentile()) > o.thresholdNanos()) {
        meets = false;
      }
    }
    Probe p =
        new Probe(
            rate,
            achieved,
            h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50),
            h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99),
            h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99.9),
            errors,
            meets);
    probes.add(p);
    if (log != null) {
      log.accept(
          String.format(
              Locale.ROOT,
              "slo probe %.1f calls/s: sent %.1f/s, p50 %s, p99 %s, %d errors: %s",
              rate,
              achieved,
              Printers.nanoUnit(p.p50()),
              Printers.nanoUnit(p.p99()),
              errors,
              meets ? "meets" : "misses"));
    }
    if (meets && rate > bestRps) {
      bestRps = rate;
      best = r;
    }
    return meets;
  }
}
