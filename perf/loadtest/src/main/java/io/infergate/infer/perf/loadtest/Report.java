package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * ghz's {@code runner.Report}, computed from a run as ghz's reporter computes it (same percentile
 * rule, same 11-bucket histogram, same float arithmetic), plus the harness's extra figures.
 */
final class Report {
  static final int[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99};
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  /** ghz's options object, already in its JSON field order with its omission rules. */
  final ReportOptions options;

  final String name;
  final String endReason;
  final Instant date;
  final long count;
  final long totalNanos;
  long averageNanos;
  long fastestNanos;
  long slowestNanos;
  double rps;
  final Map<String, Integer> errorDist;
  final Map<String, Long> statusDist = new LinkedHashMap<>();

  /** null when there are no (counted) latencies, as in ghz. */
  long[][] latencyDistribution;

  /** marks (seconds), counts, frequencies; null when none. */
  double[] histogramMarks;

  long[] histogramCounts;
  double[] histogramFrequencies;
  final Recorder rec;
  final Map<String, String> tags;

  /** The harness's additions; null when the run used only ghz's features and saw no variants. */
  Extras extras;

  Report(
      ReportOptions options,
      Recorder rec,
      String endReason,
      long totalNanos,
      Map<String, String> tags) {
    this.options = options;
    this.rec = rec;
    this.name = options.name;
    this.endReason = endReason;
    this.date = Instant.now();
    this.count = rec.count;
    this.totalNanos = totalNanos;
    this.errorDist = rec.errorCounts;
    this.tags = tags;
    for (int i = 0; i < rec.statusCounts.length; i++) {
      if (rec.statusCounts[i] > 0) {
        statusDist.put(Recorder.GO_CODES[i], rec.statusCounts[i]);
      }
    }
    if (rec.details == 0) {
      return;
    }
    double average = rec.latencySumSeconds / (double) rec.count;
    averageNanos = (long) (average * 1e9);
    rps = (double) rec.count / Recorder.seconds(totalNanos);
    double[] ok = new double[rec.details];
    int n = 0;
    for (int i = 0; i < rec.details; i++) {
      if (rec.status[i] == 0 || options.countErrors) {
        ok[n++] = Recorder.seconds(rec.latency[i]);
      }
    }
    ok = Arrays.copyOf(ok, n);
    Arrays.sort(ok);
    if (n > 0) {
      double fastest = ok[0];
      double slowest = ok[n - 1];
      fastestNanos = (long) (fastest * 1e9);
      slowestNanos = (long) (slowest * 1e9);
      histogram(ok, slowest, fastest);
      latencies(ok);
    }
  }

  private void latencies(double[] sorted) {
    latencyDistribution = new long[PERCENTILES.length][];
    double lt = sorted.length;
    for (int i = 0; i < PERCENTILES.length; i++) {
      double ip = (PERCENTILES[i] / 100.0) * lt;
      int di = (int) ip;
      if (ip == (double) di) {
        di = di - 1;
      }
      if (di < 0) {
        di = 0;
      }
      double v = sorted[di];
      latencyDistribution[i] =
          v > 0 ? new long[] {PERCENTILES[i], (long) (v * 1e9)} : new long[] {0, 0};
    }
  }

  private void histogram(double[] sorted, double slowest, double fastest) {
    int bc = 10;
    double[] buckets = new double[bc + 1];
    long[] counts = new long[bc + 1];
    double bs = (slowest - fastest) / bc;
    for (int i = 0; i < bc; i++) {
      buckets[i] = fastest + bs * i;
    }
    buckets[bc] = slowest;
    int bi = 0;
    for (int i = 0; i < sorted.length; ) {
      if (sorted[i] <= buckets[bi]) {
        i++;
        counts[bi]++;
      } else if (bi < buckets.length - 1) {
        bi++;
      } else {
        break; // unreachable for sorted input; guards against NaN
      }
    }
    histogramMarks = buckets;
    histogramCounts = counts;
    histogramFrequencies = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      histogramFrequencies[i] = (double) counts[i] / sorted.length;
    }
  }

  long errorCount() {
    return errorDist.values().stream().mapToLong(Integer::longValue).sum();
  }

  /** The latency at ghz percentile {@code p}, or 0. */
  long percentile(int p) {
    if (latencyDistribution == null) {
      return 0;
    }
    for (long[] e : latencyDistribution) {
      if (e[0] == p) {
        return e[1];
      }
    }
    return 0;
  }

  static String rfc3339(Instant t) {
    return RFC3339.format(t.atZone(ZoneId.systemDefault()));
  }

  /** Go's RFC3339Nano: fraction with trailing zeros dropped. */
  static String rfc3339Nano(long epochNanos) {
    Instant t =
        Instant.ofEpochSecond(
            Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    ZonedDateTime z = t.atZone(ZoneId.systemDefault());
    String base = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").format(z);
    String frac = "";
    if (t.getNano() != 0) {
      frac = String.format(".%09d", t.getNano()).replaceAll("0+$", "");
    }
    return base + frac + DateTimeFormatter.ofPattern("XXX").format(z);
  }

  /** The compact JSON ghz writes for {@code -O json}. */
  String toJson() {
    StringBuilder b = new StringBuilder();
    toJson(b);
    return b.toString();
  }

  /** Streams the compact JSON to {@code sink}. */
  void toJson(Appendable sink) {
    GoJson j = new GoJson(sink).beginObject();
    j.name("date").value(rfc3339(date));
    if (name != null && !name.isEmpty()) {
      j.name("name").value(name);
    }
    if (endReason != null && !endReason.isEmpty()) {
      j.name("endReason").value(endReason);
    }
    j.name("options");
    options.write(j);
    j.name("count").value(count);
    j.name("total").value(totalNanos);
    j.name("average").value(averageNanos);
    j.name("fastest").value(fastestNanos);
    j.name("slowest").value(slowestNanos);
    j.name("rps").value(rps);
    j.name("errorDistribution").counts(errorDist);
    j.name("statusCodeDistribution").counts(statusDist);
    j.name("latencyDistribution")
        .slice(
            latencyDistribution == null ? 0 : latencyDistribution.length,
            i -> {
              long[] e = latencyDistribution[i];
              j.beginObject();
              j.name("percentage").value(e[0]);
              j.name("latency").value(e[1]);
              j.endObject();
            });
    j.name("histogram")
        .slice(
            histogramMarks == null ? 0 : histogramMarks.length,
            i -> {
              j.beginObject();
              j.name("mark").value(histogramMarks[i]);
              j.name("count").value(histogramCounts[i]);
              j.name("frequency").value(histogramFrequencies[i]);
              j.endObject();
            });
    j.name("details")
        .slice(
            rec.details,
            i -> {
              j.beginObject();
              j.name("timestamp").value(rfc3339Nano(rec.epochNanos(rec.endNanos[i])));
              j.name("latency").value(rec.latency[i]);
              j.name("error").value(rec.error[i] < 0 ? "" : rec.errors.get(rec.error[i]));
              j.name("status").value(Recorder.GO_CODES[rec.status[i]]);
              j.endObject();
            });
    if (tags != null && !tags.isEmpty()) {
      j.name("tags").strings(tags);
    }
    if (extras != null) {
      j.name("loadtest");
      extras.write(j);
    }
    j.endObject().finish();
  }

  /** HdrHistogram percentiles as an object (ns). */
  static void writeHdr(GoJson j, Histogram h) {
    j.beginObject();
    j.name("count").value(h.getTotalCount());
    if (h.getTotalCount() > 0) {
      j.name("min").value(h.getMinValue());
      j.name("p50").value(h.getValueAtPercentile(50));
      j.name("p90").value(h.getValueAtPercentile(90));
      j.name("p99").value(h.getValueAtPercentile(99));
      j.name("p999").value(h.getValueAtPercentile(99.9));
      j.name("max").value(h.getMaxValue());
      j.name("mean").value((long) h.getMean());
    }
    j.endObject();
  }

  /**
   * What the harness adds beyond ghz, under the one key {@code loadtest}: the loop mode; requested
   * vs achieved rate; HdrHistogram latency from the intended send time and service time; figures
   * per variant; a per-second timeline; the SLO search's probes.
   */
  static final class Extras {
    String mode;
    double requestedRps;
    double achievedRps;
    long sent;
    List<SloSearch.Probe> sloProbes = new ArrayList<>();
    String slo;
    double sloBestRps = -1;
    Recorder rec;
    boolean hasIntended;

    /** The harness process's CPU time (user + system) per call, or 0 when not measured. */
    long cpuPerCallNanos;

    /** The schedule's rate in each second of the timeline, or null without a rate limit. */
    double[] requestedPerSecond;

    void write(GoJson j) {
      j.beginObject();
      j.name("mode").value(mode);
      j.name("requestedRps").value(requestedRps);
      j.name("achievedRps").value(achievedRps);
      j.name("sent").value(sent);
      if (cpuPerCallNanos > 0) {
        j.name("cpuPerCall").value(cpuPerCallNanos);
      }
      if (hasIntended) {
        j.name("latency");
        writeHdr(j, rec.intended);
      }
      j.name("serviceTime");
      writeHdr(j, rec.service);
      if (!rec.variants.isEmpty()) {
        j.name("variants").beginObject();
        rec.variants.forEach(
            (k, v) -> {
              j.name(k).beginObject().name("count").value(v.count);
              Map<String, Long> st = new LinkedHashMap<>();
              for (int i = 0; i < v.statusCounts.length; i++) {
                if (v.statusCounts[i] > 0) {
                  st.put(Recorder.GO_CODES[i], v.statusCounts[i]);
                }
              }
              j.name("statusCodeDistribution").counts(st);
              j.name("latency");
              writeHdr(j, v.latency);
              j.name("serviceTime");
              writeHdr(j, v.service);
              j.endObject();
            });
        j.endObject();
      }
      j.name("timeline").beginArray();
      for (int i = 0; i < rec.timeline.size(); i++) {
        Recorder.Second s = rec.timeline.get(i);
        j.beginObject()
            .name("second")
            .value(i)
            .name("sent")
            .value(s.sent)
            .name("done")
            .value(s.done);
        j.name("errors").value(s.errors);
        if (requestedPerSecond != null && i < requestedPerSecond.length) {
          j.name("requested").value(requestedPerSecond[i]);
        }
        if (s.latency.getTotalCount() > 0) {
          j.name("p50").value(s.latency.getValueAtPercentile(50) * 1000);
          j.name("p99").value(s.latency.getValueAtPercentile(99) * 1000);
        }
        j.endObject();
      }
      j.endArray();
      if (slo != null) {
        j.name("slo").beginObject().name("objective").value(slo);
        j.name("bestRps").value(Math.max(0, sloBestRps));
        j.name("probes").beginArray();
        for (SloSearch.Probe p : sloProbes) {
          j.beginObject();
          j.name("requestedRps").value(p.requestedRps());
          j.name("achievedRps").value(p.achievedRps());
          j.name("p50").value(p.p50());
          j.name("p99").value(p.p99());
          j.name("p999").value(p.p999());
          j.name("errors").value(p.errors());
          j.name("meets").value(p.meets());
          j.endObject();
        }
        j.endArray().endObject();
      }
      j.endObject();
    }
  }

  /** Parsed JSON for the options' data field, or null. */
  static JsonNode parseOrNull(String json) {
    if (json == null) {
      return null;
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
