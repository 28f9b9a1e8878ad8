package io.infergate.infer.perf.loadtest;

import io.infergate.infer.observability.config.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** ghz's text formats: summary, csv, json, pretty, influx-summary, influx-details, prometheus. */
final class Printers {
  /** ghz's {@code -O} values (and the harness's html), spelled as on the command line. */
  enum Format implements Flags.Named {
    SUMMARY,
    CSV,
    JSON,
    PRETTY,
    HTML,
    INFLUX_SUMMARY,
    INFLUX_DETAILS,
    PROMETHEUS
  }

  private Printers() {}

  static String print(Report r, Format format) {
    StringBuilder b = new StringBuilder();
    print(r, format, b);
    return b.toString();
  }

  /** Streams the report to {@code out} (a million details do not fit comfortably in one String). */
  static void print(Report r, Format format, Appendable out) {
    try {
      switch (format) {
        case SUMMARY -> out.append(summary(r));
        case CSV -> csv(r, out);
        case JSON -> r.toJson(out);
        case PRETTY -> r.toJson(new GoJson.Indenter(out));
        case HTML -> out.append(HtmlReport.render(r));
        case INFLUX_SUMMARY -> out.append(influxSummary(r));
        case INFLUX_DETAILS -> influxDetails(r, out);
        case PROMETHEUS -> out.append(prometheus(r));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- summary ----

  static String summary(Report r) {
    StringBuilder b = new StringBuilder("\nSummary:\n");
    if (r.name != null && !r.name.isEmpty()) {
      b.append("  Name:\t\t").append(r.name).append('\n');
    }
    b.append("  Count:\t").append(r.count).append('\n');
    b.append("  Total:\t").append(nanoUnit(r.totalNanos)).append('\n');
    b.append("  Slowest:\t").append(nanoUnit(r.slowestNanos)).append('\n');
    b.append("  Fastest:\t").append(nanoUnit(r.fastestNanos)).append('\n');
    b.append("  Average:\t").append(nanoUnit(r.averageNanos)).append('\n');
    b.append("  Requests/sec:\t").append(f2(r.rps)).append("\n\n");
    b.append("Response time histogram:\n").append(histogram(r)).append('\n');
    b.append("Latency distribution:");
    if (r.latencyDistribution != null) {
      for (long[] e : r.latencyDistribution) {
        b.append("\n  ").append(e[0]).append(" % in ").append(nanoUnit(e[1])).append(' ');
      }
    }
    b.append("\n\n");
    if (!r.statusDist.isEmpty()) {
      b.append("Status code distribution:\n");
      List<String[]> rows = new ArrayList<>();
      new TreeMap<>(r.statusDist)
          .forEach((k, v) -> rows.add(new String[] {"  [" + k + "]", v + " responses"}));
      b.append(tabular(rows));
    }
    b.append('\n');
    if (!r.errorDist.isEmpty()) {
      b.append("Error distribution:\n");
      List<String[]> rows = new ArrayList<>();
      new TreeMap<>(r.errorDist).forEach((k, v) -> rows.add(new String[] {"  [" + v + "]", k}));
      b.append(tabular(rows));
    }
    if (r.extras != null) {
      b.append(extrasSummary(r));
    }
    return b.toString();
  }

  private static String extrasSummary(Report r) {
    Report.Extras x = r.extras;
    StringBuilder b = new StringBuilder("\nLoad harness (beyond ghz):\n");
    b.append("  Mode:\t\t").append(x.mode).append('\n');
    if (x.requestedRps > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "  Rate:\t\t%.2f calls/s sent of %.2f requested%n",
              x.achievedRps,
              x.requestedRps));
    }
    if (x.cpuPerCallNanos > 0) {
      b.append("  Harness CPU:\t")
          .append(nanoUnit(x.cpuPerCallNanos))
          .append(" per call (user + system)\n");
    }
    if (x.hasIntended) {
      b.append("  Latency from intended send time (HdrHistogram):\n")
          .append(hdrLine(r.rec.intended));
    }
    b.append("  Service time (send to response):\n").append(hdrLine(r.rec.service));
    if (!r.rec.variants.isEmpty()) {
      b.append("  Per variant:\n");
      r.rec.variants.forEach(
          (k, v) -> {
            StringBuilder st = new StringBuilder();
            for (int i = 0; i < v.statusCounts.length; i++) {
              if (v.statusCounts[i] > 0) {
                st.append(' ').append(Recorder.GO_CODES[i]).append('=').append(v.statusCounts[i]);
              }
            }
            b.append(
                String.format(
                    Locale.ROOT,
                    "    %-28s %8d calls (%5.1f%%)  p50 %s  p99 %s %s%n",
                    k,
                    v.count,
                    r.count == 0 ? 0.0 : 100.0 * v.count / r.count,
                    nanoUnit(v.latency.getValueAtPercentile(50)),
                    nanoUnit(v.latency.getValueAtPercentile(99)),
                    st));
          });
    }
    if (x.slo != null) {
      b.append("  SLO search for ").append(x.slo).append(":\n");
      for (SloSearch.Probe p : x.sloProbes) {
        b.append(
            String.format(
                Locale.ROOT,
                "    %10.1f calls/s requested  %10.1f sent  p99 %-10s %s%n",
                p.requestedRps(),
                p.achievedRps(),
                nanoUnit(p.p99()),
                p.meets() ? "meets" : "misses"));
      }
      b.append(
          x.sloBestRps > 0
              ? String.format(
                  Locale.ROOT, "  Highest rate meeting the SLO: %.1f calls/s%n", x.sloBestRps)
              : "  No rate tried meets the SLO.\n");
    }
    return b.toString();
  }

  private static String hdrLine(org.HdrHistogram.Histogram h) {
    if (h.getTotalCount() == 0) {
      return "    (none)\n";
    }
    return String.format(
        Locale.ROOT,
        "    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
        nanoUnit(h.getValueAtPercentile(50)),
        nanoUnit(h.getValueAtPercentile(90)),
        nanoUnit(h.getValueAtPercentile(99)),
        nanoUnit(h.getValueAtPercentile(99.9)),
        nanoUnit(h.getMaxValue()));
  }

  /** ghz's formatNanoUnit (including its "%+v ns" sign for small values). */
  static String nanoUnit(long v) {
    if (v < 10000) {
      return (v >= 0 ? "+" : "") + v + " ns";
    }
    double ms = v / 1_000_000.0;
    if (ms < 1000) {
      return f2(ms) + " ms";
    }
    return f2(ms / 1000.0) + " s";
  }

  static String f2(double v) {
    return String.format(Locale.ROOT, "%4.2f", v);
  }

  private static String histogram(Report r) {
    if (r.histogramMarks == null) {
      return "";
    }
    double maxMark = 0;
    long maxCount = 0;
    for (int i = 0; i < r.histogramMarks.length; i++) {
      maxMark = Math.max(maxMark, r.histogramMarks[i]);
      maxCount = Math.max(maxCount, r.histogramCounts[i]);
    }
    int markLen = String.format(Locale.ROOT, "%.3f", maxMark * 1000).length();
    int countLen = Long.toString(maxCount).length();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.histogramMarks.length; i++) {
      long barLen = maxCount > 0 ? (r.histogramCounts[i] * 40 + maxCount / 2) / maxCount : 0;
      String mark = String.format(Locale.ROOT, "%.3f", r.histogramMarks[i] * 1000);
      String count = Long.toString(r.histogramCounts[i]);
      b.append("  ").append(mark).append(" ".repeat(markLen - mark.length()));
      b.append(" [").append(count).append(']').append(" ".repeat(countLen - count.length()));
      b.append(" |").append("∎".repeat((int) barLen)).append('\n');
    }
    return b.toString();
  }

  /** Go's tabwriter with padding 3 over tab-terminated cells. */
  private static String tabular(List<String[]> rows) {
    int cols = rows.isEmpty() ? 0 : rows.get(0).length;
    int[] width = new int[cols];
    for (String[] row : rows) {
      for (int c = 0; c < cols; c++) {
        width[c] = Math.max(width[c], row[c].codePointCount(0, row[c].length()));
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      for (int c = 0; c < cols; c++) {
        b.append(row[c])
            .append(" ".repeat(width[c] + 3 - row[c].codePointCount(0, row[c].length())));
      }
      b.append('\n');
    }
    return b.toString();
  }

  // ---- csv ----

  static void csv(Report r, Appendable out) throws java.io.IOException {
    StringBuilder b = new StringBuilder("\nduration (ms),status,error");
    Recorder rec = r.rec;
    for (int i = 0; i < rec.details; i++) {
      b.append('\n').append(f2(Recorder.seconds(rec.latency[i]) * 1000)).append(',');
      b.append(Recorder.GO_CODES[rec.status[i]]).append(',');
      b.append(rec.error[i] < 0 ? "" : rec.errors.get(rec.error[i]));
      if (b.length() > 1 << 16) {
        out.append(b);
        b.setLength(0);
      }
    }
    out.append(b.append('\n'));
  }

  // ---- influx ----

  static String influxSummary(Report r) {
    long ts = Math.max(0, r.date.getEpochSecond() * 1_000_000_000L + r.date.getNano());
    return "ghz_run," + influxTags(r, true) + " " + influxFields(r) + " " + ts;
  }

  static void influxDetails(Report r, Appendable out) throws java.io.IOException {
    String common = influxTags(r, false);
    StringBuilder b = new StringBuilder();
    Recorder rec = r.rec;
    for (int i = 0; i < rec.details; i++) {
      String err = rec.error[i] < 0 ? "" : rec.errors.get(rec.error[i]);
      b.append("ghz_detail,")
          .append(common)
          .append(err.isEmpty() ? ",hasError=false" : ",hasError=true");
      b.append(" latency=").append(rec.latency[i]);
      b.append(",error=\"").append(cleanInflux(err)).append('"');
      b.append(",status=\"").append(Recorder.GO_CODES[rec.status[i]]).append('"');
      b.append(' ').append(rec.epochNanos(rec.endNanos[i])).append('\n');
      if (b.length() > 1 << 16) {
        out.append(b);
        b.setLength(0);
      }
    }
    out.append(b);
  }

  private static String influxTags(Report r, boolean addErrors) {
    ReportOptions o = r.options;
    List<String> s = new ArrayList<>();
    if (r.name != null && !r.name.isEmpty()) {
      s.add("name=\"" + cleanInflux(r.name.trim()) + "\"");
    }
    if (o.proto != null && !o.proto.isEmpty()) {
      s.add("proto=\"" + o.proto + "\"");
    } else if (o.protoset != null && !o.protoset.isEmpty()) {
      s.add("Protoset=\"" + o.protoset + "\"");
    }
    s.add("call=\"" + nz(o.call) + "\"");
    s.add("host=\"" + nz(o.host) + "\"");
    s.add("n=" + o.total);
    if (o.concurrencySchedule.kind() == Schedule.Kind.CONST) {
      s.add("c=" + o.concurrency);
    } else {
      influxSchedule(s, "concurrency-", o.concurrencySchedule);
    }
    if (o.load.kind() == Schedule.Kind.CONST) {
      s.add("rps=" + o.rps);
    } else {
      influxSchedule(s, "load-", o.load);
    }
    s.add("z=" + o.duration);
    s.add("timeout=" + GoJson.vFormat(Recorder.seconds(o.timeout)));
    s.add("dial_timeout=" + GoJson.vFormat(Recorder.seconds(o.dialTimeout)));
    s.add("keepalive=" + GoJson.vFormat(Recorder.seconds(o.keepalive)));
    String data = o.data == null ? "null" : new GoJson().any(o.data).toString();
    s.add("data=" + cleanInflux(GoJson.quote(data)));
    String md = "\"\"";
    if (o.metadata != null) {
      md = cleanInflux(GoJson.quote(new GoJson().strings(o.metadata).toString()));
    }
    s.add("metadata=" + md);
    String tags = "\"\"";
    if (r.tags != null && !r.tags.isEmpty()) {
      tags = cleanInflux(GoJson.quote(new GoJson().strings(r.tags).toString()));
    }
    s.add("tags=" + tags);
    if (addErrors) {
      long errors = r.errorCount();
      s.add("errors=" + errors);
      s.add("has_errors=" + (errors > 0));
    }
    return String.join(",", s);
  }

  private static String influxFields(Report r) {
    List<String> s = new ArrayList<>();
    s.add("count=" + r.count);
    s.add("total=" + r.totalNanos);
    s.add("average=" + r.averageNanos);
    s.add("fastest=" + r.fastestNanos);
    s.add("slowest=" + r.slowestNanos);
    s.add("rps=" + f2(r.rps));
    if (r.latencyDistribution != null) {
      for (long[] e : r.latencyDistribution) {
        if (e[0] == 50) {
          s.add("median=" + e[1]);
        }
        if (e[0] == 95) {
          s.add("p95=" + e[1]);
        }
      }
    }
    s.add("errors=" + r.errorCount());
    return String.join(",", s);
  }

  private static void influxSchedule(List<String> s, String prefix, Settings.ScheduleFlags f) {
    s.add(prefix + "schedule=" + f.kind().flag());
    s.add(prefix + "start=" + f.start());
    s.add(prefix + "end=" + f.end());
    s.add(prefix + "step=" + f.step());
    s.add(prefix + "step-duration=" + Durations.formatNanos(f.stepNanos()));
    s.add(prefix + "max-duration=" + Durations.formatNanos(f.maxNanos()));
  }

  private static String cleanInflux(String in) {
    return in.replace(" ", "\\ ").replace(",", "\\,").replace("=", "\\=");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  // ---- prometheus ----

  static String prometheus(Report r) {
    String labels = promLabels(r);
    StringBuilder b = new StringBuilder();
    gauge(b, "ghz_run_count", labels, r.count);
    gauge(b, "ghz_run_total", labels, r.totalNanos);
    gauge(b, "ghz_run_average", labels, r.averageNanos);
    gauge(b, "ghz_run_fastest", labels, r.fastestNanos);
    gauge(b, "ghz_run_slowest", labels, r.slowestNanos);
    gauge(b, "ghz_run_rps", labels, r.rps);
    b.append("# TYPE ghz_run_histogram histogram\n");
    if (r.histogramMarks != null) {
      for (int i = 0; i < r.histogramMarks.length; i++) {
        b.append("ghz_run_histogram_bucket{")
            .append(labels)
            .append(",le=\"")
            .append(GoJson.gFormat(r.histogramMarks[i]))
            .append("\"} ")
            .append(r.histogramCounts[i])
            .append('\n');
      }
    }
    b.append("ghz_run_histogram_bucket{")
        .append(labels)
        .append(",le=\"+Inf\"} ")
        .append(r.count)
        .append('\n');
    b.append("ghz_run_histogram_sum{")
        .append(labels)
        .append("} ")
        .append(GoJson.gFormat(r.totalNanos))
        .append('\n');
    b.append("ghz_run_histogram_count{").append(labels).append("} ").append(r.count).append('\n');
    b.append("# TYPE ghz_run_latency summary\n");
    if (r.latencyDistribution != null) {
      for (long[] e : r.latencyDistribution) {
        b.append("ghz_run_latency{")
            .append(labels)
            .append(",quantile=\"")
            .append(GoJson.gFormat(e[0] / 100.0))
            .append("\"} ")
            .append(GoJson.gFormat(e[1]))
            .append('\n');
      }
    }
    b.append("ghz_run_latency_sum{")
        .append(labels)
        .append("} ")
        .append(GoJson.gFormat(r.totalNanos))
        .append('\n');
    b.append("ghz_run_latency_count{").append(labels).append("} ").append(r.count).append('\n');
    gauge(b, "ghz_run_errors", labels, r.errorCount());
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String labels, double v) {
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append(name).append('{').append(labels).append("} ").append(GoJson.gFormat(v)).append('\n');
  }

  private static String promLabels(Report r) {
    ReportOptions o = r.options;
    Map<String, String> m = new TreeMap<>();
    m.put("name", nz(r.name));
    m.put("end_reason", nz(r.endReason));
    put(m, "call", o.call);
    put(m, "host", o.host);
    put(m, "proto", o.proto);
    put(m, "protoset", o.protoset);
    m.put("import_paths", String.join(",", o.importPaths));
    put(m, "cacert", o.cacert);
    put(m, "cert", o.cert);
    put(m, "key", o.key);
    put(m, "cname", o.cname);
    m.put("skipTLS", Boolean.toString(o.skipTls));
    m.put("insecure", Boolean.toString(o.insecure));
    put(m, "authority", o.authority);
    m.put("async", Boolean.toString(o.async));
    m.put("binary", Boolean.toString(o.binary));
    m.put("count_errors", Boolean.toString(o.countErrors));
    m.put("rps", Long.toString(o.rps));
    m.put("concurrency", Long.toString(o.concurrency));
    m.put("total", Long.toString(o.total));
    m.put("connections", Long.toString(o.connections));
    m.put("CPUs", Long.toString(o.cpus));
    m.put("skipFirst", Long.toString(o.skipFirst));
    m.put("duration", Long.toString(o.duration));
    m.put("timeout", Long.toString(o.timeout));
    m.put("dial_timeout", Long.toString(o.dialTimeout));
    m.put("keepalive", Long.toString(o.keepalive));
    if (o.name != null && !o.name.isEmpty()) {
      m.put("name", o.name);
    }
    promSchedule(m, "concurrency_", o.concurrencySchedule);
    promSchedule(m, "load_", o.load);
    StringBuilder b = new StringBuilder();
    m.forEach(
        (k, v) -> {
          if (b.length() > 0) {
            b.append(',');
          }
          b.append(k)
              .append("=\"")
              .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
              .append('"');
        });
    return b.toString();
  }

  /** A schedule's labels, none for const. */
  private static void promSchedule(Map<String, String> m, String prefix, Settings.ScheduleFlags f) {
    if (f.kind() != Schedule.Kind.CONST) {
      m.put(prefix + "schedule", f.kind().flag());
      m.put(prefix + "start", Long.toString(f.start()));
      m.put(prefix + "end", Long.toString(f.end()));
      m.put(prefix + "step", Long.toString(f.step()));
      m.put(prefix + "step_duration", Long.toString(f.stepNanos()));
      m.put(prefix + "max_duration", Long.toString(f.maxNanos()));
    }
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null && !v.isEmpty()) {
      m.put(k, v);
    }
  }
}
