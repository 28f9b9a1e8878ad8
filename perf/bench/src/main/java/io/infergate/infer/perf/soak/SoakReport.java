package io.infergate.infer.perf.soak;

import io.grpc.Status;
import io.infergate.infer.perf.soak.LeastSquares.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * The soak's result as markdown: a row per minute, then calls, swaps, latency, and the trend of
 * each memory figure over the second half of the run, where start-up and warm-up are over.
 */
final class SoakReport {
  private final Header header;
  private final List<Sample> samples;
  private final List<Swap> swaps;
  private final Map<Status.Code, Long> callsByCode;
  private final Map<Status.Code, String> firstDescriptions;
  private final SortedMap<Long, Long> answersByVersion;
  private final ServerLog serverLog;

  /**
   * @param samples in time order, at least one
   * @param firstDescriptions per failing code, the description of its first call
   * @param serverLog the server's whole log, read after it stopped
   */
  SoakReport(
      Header header,
      List<Sample> samples,
      List<Swap> swaps,
      Map<Status.Code, Long> callsByCode,
      Map<Status.Code, String> firstDescriptions,
      SortedMap<Long, Long> answersByVersion,
      ServerLog serverLog) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("samples: empty (expected: at least one)");
    }
    this.header = header;
    this.samples = List.copyOf(samples);
    this.swaps = List.copyOf(swaps);
    this.callsByCode = Map.copyOf(callsByCode);
    this.firstDescriptions = Map.copyOf(firstDescriptions);
    this.answersByVersion = answersByVersion;
    this.serverLog = serverLog;
  }

  /** No call failed, at least one swap completed and none timed out. */
  boolean passed() {
    return failedCalls() == 0 && completedSwaps() > 0 && completedSwaps() == swaps.size();
  }

  long failedCalls() {
    long failed = 0;
    for (Map.Entry<Status.Code, Long> entry : callsByCode.entrySet()) {
      if (entry.getKey() != Status.Code.OK) {
        failed += entry.getValue();
      }
    }
    return failed;
  }

  int completedSwaps() {
    return (int) swaps.stream().filter(Swap::completed).count();
  }

  String markdown() {
    StringBuilder text = new StringBuilder();
    Sample last = samples.get(samples.size() - 1);
    line(
        text,
        "## Soak: digits under load for %.1f minutes with a version swap every %s",
        last.minutes(),
        header.swapEvery());
    line(text, "");
    line(
        text,
        "- started: %s; load average (1, 5, 15 min): %s at the start, %s at the end",
        header.started(),
        header.loadBefore(),
        header.loadAfter());
    line(text, "- machine: %s", header.machine());
    line(text, "- server: %s", header.server());
    line(text, "- load: %s", header.load());
    line(text, "");
    minuteTable(text);
    line(text, "");
    summary(text, last);
    return text.toString();
  }

  private void minuteTable(StringBuilder text) {
    line(
        text,
        "| minute | elapsed s | RSS MB | RSS anon MB | NMT committed MB | heap used MB | heap after"
            + " GC MB | threads | fds | swaps | calls | failed | p99 ms in the minute |");
    line(text, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Sample previous = null;
    for (Row labelled : minuteRows()) {
      Sample row = labelled.sample();
      Histogram minute = latencyBetween(previous, row);
      line(
          text,
          "| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d | %s |",
          labelled.label(),
          row.elapsed().toMillis() / 1000.0,
          row.rssMb(),
          row.rssAnonMb(),
          row.nmtCommittedMb(),
          row.heapUsedMb(),
          row.heapAfterGcMb(),
          row.process().threads(),
          row.fileDescriptors(),
          row.swaps(),
          row.calls(),
          row.failedCalls(),
          minute.getTotalCount() == 0
              ? "–"
              : format("%.1f", minute.getValueAtPercentile(99) / 1000.0));
      previous = row;
    }
  }

  private void summary(StringBuilder text, Sample last) {
    long total = callsByCode.values().stream().mapToLong(Long::longValue).sum();
    line(
        text,
        "- calls: %d, of which OK %d, **failed %d**%s",
        total,
        callsByCode.getOrDefault(Status.Code.OK, 0L),
        failedCalls(),
        failuresByCode());
    line(text, "- OK answers by model_version: %s", answersByVersion);
    List<Long> times = new ArrayList<>();
    for (Swap swap : swaps) {
      if (swap.completed()) {
        times.add(swap.time().toMillis());
      }
    }
    times.sort(null);
    if (times.isEmpty()) {
      line(text, "- swaps: **none completed** of %d published", swaps.size());
    } else {
      line(
          text,
          "- swaps: %d completed of %d published (rename → first answer from the new version):"
              + " p50 %d ms, p99 %d ms, min %d ms, max %d ms",
          times.size(),
          swaps.size(),
          nearestRank(times, 50),
          nearestRank(times, 99),
          times.get(0),
          times.get(times.size() - 1));
    }
    for (Swap swap : swaps) {
      if (!swap.completed()) {
        line(
            text,
            "  - version %d, published at %s s: **never answered**",
            swap.version(),
            swap.at().toSeconds());
      }
    }
    Histogram latency = latencyBetween(null, last);
    line(
        text,
        "- call latency (OK calls, send → answer): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max"
            + " %.2f ms",
        latency.getValueAtPercentile(50) / 1000.0,
        latency.getValueAtPercentile(99) / 1000.0,
        latency.getValueAtPercentile(99.9) / 1000.0,
        latency.getMaxValue() / 1000.0);
    Sample minuteOne = closestTo(1);
    line(
        text,
        "- RSS: %.1f MB at %.0f s, %.1f MB at the end (%.0f s): %+.1f MB; anonymous RSS %.1f →"
            + " %.1f MB (%+.1f MB)",
        minuteOne.rssMb(),
        minuteOne.elapsed().toMillis() / 1000.0,
        last.rssMb(),
        last.elapsed().toMillis() / 1000.0,
        last.rssMb() - minuteOne.rssMb(),
        minuteOne.rssAnonMb(),
        last.rssAnonMb(),
        last.rssAnonMb() - minuteOne.rssAnonMb());
    List<Sample> secondHalf = secondHalf();
    line(
        text,
        "- least-squares slope over the second half (%.1f–%.1f min, %d samples): RSS %+.2f MB/min,"
            + " RSS anon %+.2f MB/min, NMT committed %+.2f MB/min, heap after GC %+.2f MB/min,"
            + " threads %+.2f /min, fds %+.2f /min",
        secondHalf.get(0).minutes(),
        last.minutes(),
        secondHalf.size(),
        slope(secondHalf, Sample::rssMb),
        slope(secondHalf, Sample::rssAnonMb),
        slope(secondHalf, Sample::nmtCommittedMb),
        slope(secondHalf, Sample::heapAfterGcMb),
        slope(secondHalf, s -> s.process().threads()),
        slope(secondHalf, Sample::fileDescriptors));
    line(
        text,
        "- GC over the run (%s collector): %d young pauses, %d full pauses; heap used is a sawtooth between"
            + " collections, the heap after GC is the figure that climbs if the heap leaks",
        last.gc().collector(),
        last.gc().youngPauses(),
        last.gc().fullPauses());
    line(
        text,
        "- RSS counts everything the process holds; NMT counts only the JVM's own memory (heap,"
            + " metaspace, stacks, code, GC): TensorFlow's native allocations are not tracked by"
            + " NMT, so a TensorFlow leak shows in RSS (anonymous) and not in NMT. The heap is"
            + " fixed and pre-touched, so heap growth cannot show up as RSS growth.");
    List<String> warnings = serverLog.warnings();
    line(
        text,
        "- server log: %d versions loaded, %d unloaded (the last one at shutdown); %d WARN/ERROR"
            + " lines%s",
        serverLog.loaded(),
        serverLog.unloaded(),
        warnings.size(),
        warnings.isEmpty() ? "" : "; the first ones:");
    for (String warning : warnings.subList(0, Math.min(10, warnings.size()))) {
      line(text, "  - `%s`", warning.replace('`', '\''));
    }
    line(
        text,
        "- verdict: %s",
        passed()
            ? "**PASS**: no failed call, every swap completed"
            : "**FAIL**: "
                + failedCalls()
                + " failed calls, "
                + completedSwaps()
                + " of "
                + swaps.size()
                + " swaps completed");
  }

  private String failuresByCode() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<Status.Code, Long> entry : callsByCode.entrySet()) {
      if (entry.getKey() != Status.Code.OK) {
        text.append(text.length() == 0 ? " (" : "; ")
            .append(entry.getKey())
            .append(' ')
            .append(entry.getValue())
            .append(", first: ")
            .append(firstDescriptions.get(entry.getKey()));
      }
    }
    return text.length() == 0 ? "" : text.append(')').toString();
  }

  /**
   * The first sample, the sample closest to each whole minute, and the last sample when the run did
   * not end on a whole minute.
   */
  List<Row> minuteRows() {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("start", samples.get(0)));
    Sample last = samples.get(samples.size() - 1);
    for (int minute = 1; minute <= Math.round(last.minutes()); minute++) {
      Sample closest = closestTo(minute);
      if (closest != rows.get(rows.size() - 1).sample()) {
        rows.add(new Row(Integer.toString(minute), closest));
      }
    }
    if (last != rows.get(rows.size() - 1).sample()) {
      rows.add(new Row("end", last));
    }
    return rows;
  }

  /** The samples from half the run's length on. */
  List<Sample> secondHalf() {
    double half = samples.get(samples.size() - 1).minutes() / 2;
    List<Sample> secondHalf = new ArrayList<>();
    for (Sample sample : samples) {
      if (sample.minutes() >= half) {
        secondHalf.add(sample);
      }
    }
    return secondHalf;
  }

  private Sample closestTo(double minutes) {
    Sample closest = samples.get(0);
    for (Sample sample : samples) {
      if (Math.abs(sample.minutes() - minutes) < Math.abs(closest.minutes() - minutes)) {
        closest = sample;
      }
    }
    return closest;
  }

  /**
   * Latency of the calls answered after {@code from} (exclusive; null: the start) up to {@code to}.
   */
  private Histogram latencyBetween(Sample from, Sample to) {
    Histogram sum = new Histogram(3);
    for (Sample sample : samples) {
      boolean after = from == null || sample.elapsed().compareTo(from.elapsed()) > 0;
      if (after && sample.elapsed().compareTo(to.elapsed()) <= 0) {
        sum.add(sample.latencyMicros());
      }
    }
    return sum;
  }

  /** MB (or count) per minute; samples where the figure is NaN (no GC yet) are left out. */
  static double slope(List<Sample> samples, ToDoubleFunction<Sample> figure) {
    List<Point> points = new ArrayList<>(samples.size());
    for (Sample sample : samples) {
      double y = figure.applyAsDouble(sample);
      if (!Double.isNaN(y)) {
        points.add(new Point(sample.minutes(), y));
      }
    }
    return LeastSquares.slope(points);
  }

  /** The nearest-rank percentile of sorted values: with few swaps p99 is simply the largest. */
  static long nearestRank(List<Long> sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(format(format, args)).append('\n');
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A row of the minute table: which minute, and the sample that stands for it. */
  record Row(String label, Sample sample) {}

  /** The lines of the report that describe the set-up rather than measure it. */
  record Header(
      String started,
      String loadBefore,
      String loadAfter,
      String machine,
      String server,
      String load,
      String swapEvery) {}
}
