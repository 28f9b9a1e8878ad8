package io.infergate.infer.perf.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
 * ghz's figures and the harness's charts: latency histogram, latency percentiles (from the intended
 * send time and service time), latency and rate over time, per variant.
 */
final class HtmlReport {
  private static final double[] SPECTRUM = {50, 75, 90, 95, 99, 99.9, 99.99, 100};

  private HtmlReport() {}

  static String render(Report r) {
    Recorder rec = r.rec;
    StringBuilder b = new StringBuilder(64 * 1024);
    String title = r.name == null || r.name.isEmpty() ? "Load test" : r.name;
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    b.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    b.append("<title>loadtest - ").append(Svg.esc(title)).append("</title><style>");
    b.append(
        "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1100px}");
    b.append(
        "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}");
    b.append(
        "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}svg.chart{display:block;margin:12px 0 24px;background:#fff}");
    b.append(
        "h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}pre{background:#f6f6f6;padding:10px;overflow:auto}");
    b.append(".note{color:#666;font-size:90%}</style></head><body>\n");
    b.append("<h1>").append(Svg.esc(title)).append("</h1>\n");
    b.append("<p class=\"note\">")
        .append(Svg.esc(Report.rfc3339(r.date)))
        .append(" &middot; ")
        .append(Svg.esc(nz(r.options.call)))
        .append(" &middot; ")
        .append(Svg.esc(nz(r.options.host)))
        .append(" &middot; end: ")
        .append(Svg.esc(nz(r.endReason)));
    if (r.extras != null) {
      b.append(" &middot; ").append(Svg.esc(r.extras.mode));
    }
    b.append("</p>\n");

    b.append("<h2 id=\"summary\">Summary</h2><table>");
    row(b, "Count", Long.toString(r.count));
    row(b, "Total", Printers.nanoUnit(r.totalNanos));
    row(b, "Slowest", Printers.nanoUnit(r.slowestNanos));
    row(b, "Fastest", Printers.nanoUnit(r.fastestNanos));
    row(b, "Average", Printers.nanoUnit(r.averageNanos));
    row(b, "Requests/sec", Printers.f2(r.rps));
    row(b, "Errors", Long.toString(r.errorCount()));
    if (r.extras != null && r.extras.requestedRps > 0) {
      row(
          b,
          "Rate sent / requested",
          String.format(
              Locale.ROOT, "%.1f / %.1f calls/s", r.extras.achievedRps, r.extras.requestedRps));
    }
    b.append("</table>\n");

    b.append("<h2 id=\"histogram\">Latency histogram</h2>\n");
    b.append(
        histogramChart(
            rec.reported, rec.fromIntended ? "latency from intended send time" : "latency"));

    b.append("<h2 id=\"percentiles\">Latency percentiles</h2>\n");
    b.append(spectrumChart(rec));
    b.append("<table><tr><th>percentage</th><th>latency (ghz)</th></tr>");
    if (r.latencyDistribution != null) {
      for (long[] e : r.latencyDistribution) {
        row(b, e[0] + " %", Printers.nanoUnit(e[1]));
      }
    }
    b.append("</table>\n");

    b.append("<h2 id=\"time\">Over time</h2>\n");
    b.append(latencyOverTime(rec));
    b.append(rateOverTime(r));

    if (!rec.variants.isEmpty()) {
      b.append("<h2 id=\"variants\">Per variant</h2>\n");
      b.append(variantChart(rec));
      b.append(
          "<table><tr><th>variant</th><th>calls</th><th>share</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>statuses</th></tr>");
      rec.variants.forEach(
          (k, v) -> {
            StringBuilder st = new StringBuilder();
            for (int i = 0; i < v.statusCounts.length; i++) {
              if (v.statusCounts[i] > 0) {
                st.append(Recorder.GO_CODES[i]).append(' ').append(v.statusCounts[i]).append(' ');
              }
            }
            b.append("<tr><td>")
                .append(Svg.esc(k))
                .append("</td><td>")
                .append(v.count)
                .append("</td><td>")
                .append(
                    String.format(
                        Locale.ROOT, "%.1f%%", r.count == 0 ? 0.0 : 100.0 * v.count / r.count))
                .append("</td><td>")
                .append(Printers.nanoUnit(v.latency.getValueAtPercentile(50)))
                .append("</td><td>")
                .append(Printers.nanoUnit(v.latency.getValueAtPercentile(90)))
                .append("</td><td>")
                .append(Printers.nanoUnit(v.latency.getValueAtPercentile(99)))
                .append("</td><td>")
                .append(Printers.nanoUnit(v.latency.getMaxValue()))
                .append("</td><td>")
                .append(Svg.esc(st.toString().trim()))
                .append("</td></tr>");
          });
      b.append("</table>\n");
    }

    b.append("<h2 id=\"status\">Status codes</h2><table><tr><th>status</th><th>calls</th></tr>");
    new TreeMap<>(r.statusDist).forEach((k, v) -> row(b, k, Long.toString(v)));
    b.append("</table>\n");
    if (!r.errorDist.isEmpty()) {
      b.append("<h2 id=\"errors\">Errors</h2><table><tr><th>error</th><th>calls</th></tr>");
      new TreeMap<>(r.errorDist).forEach((k, v) -> row(b, k, Integer.toString(v)));
      b.append("</table>\n");
    }
    if (r.extras != null && r.extras.slo != null) {
      b.append("<h2 id=\"slo\">SLO search: ").append(Svg.esc(r.extras.slo)).append("</h2>");
      b.append("<p>Highest open-loop rate meeting it: <b>")
          .append(
              r.extras.sloBestRps > 0
                  ? String.format(Locale.ROOT, "%.1f calls/s", r.extras.sloBestRps)
                  : "none tried")
          .append(
              "</b></p><table><tr><th>requested</th><th>sent</th><th>p50</th><th>p99</th><th>p99.9</th><th>errors</th><th>meets</th></tr>");
      for (SloSearch.Probe p : r.extras.sloProbes) {
        b.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%.1f</td><td>%.1f</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td></tr>",
                p.requestedRps(),
                p.achievedRps(),
                Printers.nanoUnit(p.p50()),
                Printers.nanoUnit(p.p99()),
                Printers.nanoUnit(p.p999()),
                p.errors(),
                p.meets() ? "yes" : "no"));
      }
      b.append("</table>\n");
    }
    b.append("<h2 id=\"options\">Options</h2><pre>");
    GoJson j = new GoJson();
    r.options.write(j);
    b.append(Svg.esc(GoJson.indent(j.toString()))).append("</pre>\n");
    b.append("<p class=\"note\">Made by bin/loadtest (ghz-compatible). Latencies: ")
        .append(
            rec.fromIntended
                ? "from each call's intended send time (open loop), so queueing behind a slow server counts."
                : "from each call's actual send (closed loop, as ghz measures).")
        .append("</p>\n</body></html>\n");
    return b.toString();
  }

  private static String histogramChart(Histogram h, String name) {
    List<String> labels = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    if (h.getTotalCount() > 0) {
      long first = Math.max(1, h.getMinValue());
      for (HistogramIterationValue v : h.logarithmicBucketValues(first, 1.25)) {
        labels.add(ms(v.getValueIteratedTo()));
        counts.add((double) v.getCountAddedInThisIterationStep());
      }
    }
    double[] y = counts.stream().mapToDouble(Double::doubleValue).toArray();
    return Svg.bars(
        "chart-histogram",
        "Latency histogram (ms, upper bound of each bucket)",
        labels.toArray(new String[0]),
        List.of(new Svg.Series(name, y)),
        "calls");
  }

  private static String spectrumChart(Recorder rec) {
    String[] labels = new String[SPECTRUM.length];
    for (int i = 0; i < SPECTRUM.length; i++) {
      labels[i] = "p" + Svg.num(SPECTRUM[i]);
    }
    List<Svg.Series> series = new ArrayList<>();
    if (rec.fromIntended) {
      series.add(new Svg.Series("from intended send", spectrum(rec.intended)));
    }
    series.add(new Svg.Series("service time", spectrum(rec.service)));
    return Svg.bars("chart-percentiles", "Latency by percentile (ms)", labels, series, "ms");
  }

  private static double[] spectrum(Histogram h) {
    double[] y = new double[SPECTRUM.length];
    for (int i = 0; i < SPECTRUM.length; i++) {
      y[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(SPECTRUM[i]) / 1e6;
    }
    return y;
  }

  private static String latencyOverTime(Recorder rec) {
    int n = rec.timeline.size();
    double[] x = new double[n];
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    for (int i = 0; i < n; i++) {
      Recorder.Second s = rec.timeline.get(i);
      x[i] = i + 1;
      boolean any = s.latency.getTotalCount() > 0;
      p50[i] = any ? s.latency.getValueAtPercentile(50) / 1e3 : Double.NaN;
      p99[i] = any ? s.latency.getValueAtPercentile(99) / 1e3 : Double.NaN;
    }
    return Svg.lines(
        "chart-latency-time",
        "Latency over time (ms, by second of completion)",
        x,
        List.of(new Svg.Series("p50", p50), new Svg.Series("p99", p99)),
        "seconds",
        "ms");
  }

  private static String rateOverTime(Report r) {
    Recorder rec = r.rec;
    int n = rec.timeline.size();
    double[] x = new double[n];
    double[] sent = new double[n];
    double[] done = new double[n];
    double[] errors = new double[n];
    double runSeconds = r.totalNanos / 1e9;
    for (int i = 0; i < n; i++) {
      Recorder.Second s = rec.timeline.get(i);
      // the last second is usually partial: divide by the part of it the run covered
      double covered = Math.max(0.05, Math.min(1.0, runSeconds - i));
      x[i] = i + covered;
      sent[i] = s.sent / covered;
      done[i] = s.done / covered;
      errors[i] = s.errors / covered;
    }
    List<Svg.Series> series = new ArrayList<>();
    if (r.extras != null && r.extras.requestedPerSecond != null) {
      series.add(
          new Svg.Series("requested/s", java.util.Arrays.copyOf(r.extras.requestedPerSecond, n)));
    }
    series.add(new Svg.Series("sent/s", sent));
    series.add(new Svg.Series("done/s", done));
    series.add(new Svg.Series("errors/s", errors));
    return Svg.lines(
        "chart-rate-time", "Rate over time (calls per second)", x, series, "seconds", "calls/s");
  }

  private static String variantChart(Recorder rec) {
    Map<String, Recorder.Variant> v = rec.variants;
    String[] labels = v.keySet().toArray(new String[0]);
    double[] p50 = new double[labels.length];
    double[] p99 = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      Histogram h = v.get(labels[i]).latency;
      p50[i] = h.getValueAtPercentile(50) / 1e6;
      p99[i] = h.getValueAtPercentile(99) / 1e6;
    }
    return Svg.bars(
        "chart-variants",
        "Latency per variant (ms)",
        labels,
        List.of(new Svg.Series("p50", p50), new Svg.Series("p99", p99)),
        "ms");
  }

  private static String ms(long nanos) {
    return Svg.num(nanos / 1e6);
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><td>")
        .append(Svg.esc(k))
        .append("</td><td>")
        .append(Svg.esc(v))
        .append("</td></tr>");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
