package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;

import io.grpc.Status;
import io.infergate.infer.perf.kit.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Markdown tables of {@link CallTally} snapshots, the same columns in every scenario. */
final class TallyTables {
  private TallyTables() {}

  /** One row per phase: counts, failures by code, latency, variants, fallbacks. */
  static String summary(List<String> phases, List<CallTally.Summary> summaries) {
    Table table =
        new Table(
            "phase",
            "calls",
            "OK",
            "failed (by code)",
            "p50 ms",
            "p99 ms",
            "max ms",
            "OK p99 ms",
            "x-variant",
            "x-fallback");
    for (int i = 0; i < phases.size(); i++) {
      CallTally.Summary s = summaries.get(i);
      table.row(
          phases.get(i),
          s.calls() + s.notSent(),
          s.ok(),
          failures(s),
          fixed(s.allMillis(50), 2),
          fixed(s.allMillis(99), 2),
          fixed(s.allMillis(100), 2),
          fixed(s.okMillis(99), 2),
          counts(s.variants()),
          s.fallbackAnswers() == 0 ? "0" : s.fallbackAnswers() + " " + counts(s.fallbacks()));
    }
    return table.toString();
  }

  /**
   * One row per second sent: calls, OK, failures by code, each of {@code variants} with its share,
   * answers with {@code x-fallback}, and the slowest call.
   */
  static String perSecond(List<Timeline.Second> seconds, List<String> variants) {
    List<String> header = new ArrayList<>(List.of("t (s)", "calls", "OK", "failed (by code)"));
    for (String variant : variants) {
      header.add(variant);
      header.add(variant + " %");
    }
    header.add("x-fallback");
    header.add("max ms");
    Table table = new Table(header.toArray(String[]::new));
    for (Timeline.Second second : seconds) {
      List<Object> row = new ArrayList<>();
      row.add(second.second() + "–" + (second.second() + 1));
      row.add(second.calls());
      row.add(second.count(Status.Code.OK));
      row.add(failures(second.codes(), 0));
      for (String variant : variants) {
        row.add(second.variant(variant));
        row.add(fixed(100 * second.share(variant), 1));
      }
      row.add(second.fallbacks());
      row.add(fixed(second.maxMicros() / 1000.0, 1));
      table.row(row.toArray());
    }
    return table.toString();
  }

  /** {@link #summary} of one phase from t=0 to {@code seconds}, then its {@link #descriptions}. */
  static String wholeRun(double seconds, CallTally.Summary summary) {
    return summary(List.of("t=0–" + fixed(seconds, 0) + " s"), List.of(summary))
        + "\n"
        + descriptions(summary);
  }

  /** {@link #perSecond} under its heading. */
  static String perSecondSection(List<Timeline.Second> seconds, List<String> variants) {
    return "\nPer second sent:\n\n" + perSecond(seconds, variants);
  }

  /** One Markdown bullet per line. */
  static String bullets(List<String> lines) {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append("- ").append(line).append('\n');
    }
    return out.toString();
  }

  /**
   * The goal that no call failed and none was still running ({@code unfinished}) after the drain.
   */
  static Outcome.Goal noFailedCalls(String what, CallTally.Summary summary, int unfinished) {
    return new Outcome.Goal(
        what,
        failures(summary) + (unfinished > 0 ? ", " + unfinished + " hung" : ""),
        summary.failed() == 0 && unfinished == 0);
  }

  /** Failures by code and description, one Markdown bullet each. */
  static String descriptions(CallTally.Summary summary) {
    StringBuilder out = new StringBuilder();
    summary
        .descriptions()
        .forEach(
            (code, counts) ->
                counts.forEach(
                    (description, count) ->
                        out.append("- ")
                            .append(code)
                            .append(" ×")
                            .append(count)
                            .append(": ")
                            .append(
                                description.equals(CallTally.OTHER_DESCRIPTIONS)
                                    ? description
                                    : "`" + description.replace('`', '\'') + "`")
                            .append('\n')));
    return out.toString();
  }

  /** Failed calls by code, e.g. {@code 12 (UNAVAILABLE 10, DEADLINE_EXCEEDED 2)}, or {@code 0}. */
  static String failures(CallTally.Summary summary) {
    return failures(summary.codes(), summary.notSent());
  }

  static String failures(Map<Status.Code, Long> codes, long notSent) {
    long total = notSent;
    StringBuilder detail = new StringBuilder();
    for (Map.Entry<Status.Code, Long> entry : codes.entrySet()) {
      if (entry.getKey() == Status.Code.OK) {
        continue;
      }
      total += entry.getValue();
      detail.append(detail.length() == 0 ? "" : ", ").append(entry.getKey()).append(' ');
      detail.append(entry.getValue());
    }
    if (notSent > 0) {
      detail.append(detail.length() == 0 ? "" : ", ").append("not sent ").append(notSent);
    }
    return total == 0 ? "0" : total + " (" + detail + ")";
  }

  /** {@code key count} pairs, e.g. {@code canary;version=2 51, stable;version=1 449}. */
  static String counts(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    counts.forEach(
        (key, count) ->
            out.append(out.length() == 0 ? "" : ", ").append(key).append(' ').append(count));
    return out.toString();
  }
}
