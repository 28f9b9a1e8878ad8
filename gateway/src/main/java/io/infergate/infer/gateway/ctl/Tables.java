package io.infergate.infer.gateway.ctl;

import com.google.protobuf.Timestamp;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.proto.admin.v1.AuditEntry;
import io.infergate.infer.proto.admin.v1.GetHistoryResponse;
import io.infergate.infer.proto.admin.v1.GetRoutesResponse;
import io.infergate.infer.proto.admin.v1.LiveFigures;
import io.infergate.infer.proto.admin.v1.RampState;
import io.infergate.infer.proto.admin.v1.RouteChange;
import io.infergate.infer.proto.admin.v1.RouteState;
import io.infergate.infer.proto.admin.v1.VariantState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The admin API's answers as the tables people read; {@code -o json} has every field. */
final class Tables {
  private static final String NONE = "-";

  private Tables() {}

  /** The revision, one line per variant, then one line per route's ramp. */
  static String routes(GetRoutesResponse answer) {
    return "revision " + answer.getRevision() + "\n" + routes(answer.getRoutesList());
  }

  /** A write's answer: the revision it made and its route. */
  static String change(RouteChange answer) {
    return answer.getRoute().getModel()
        + ": revision "
        + answer.getRevision()
        + "\n"
        + routes(List.of(answer.getRoute()));
  }

  /** The audit log, oldest first, one line per entry. */
  static String history(GetHistoryResponse answer) {
    Table table = new Table("TIME", "REVISION", "MODEL", "WHO", "ACTION", "WEIGHTS", "REASON");
    for (AuditEntry entry : answer.getEntriesList()) {
      String reason = entry.getReason();
      if (entry.getFiguresCount() > 0) {
        reason = (reason.isEmpty() ? "" : reason + " ") + figures(entry.getFiguresMap());
      }
      table.row(
          time(entry.getTime()),
          Long.toString(entry.getRevision()),
          entry.getModel(),
          orNone(entry.getIdentity()),
          orNone(entry.getAction()),
          weightChange(entry.getBeforeMap(), entry.getAfterMap()),
          orNone(reason));
    }
    return table.render();
  }

  private static String routes(List<RouteState> routes) {
    Table table =
        new Table(
            "MODEL",
            "VARIANT",
            "WEIGHT",
            "FROM",
            "ENDPOINTS",
            "CALLS/S",
            "FAILED",
            "P50_MS",
            "P99_MS",
            "BREAKER");
    List<String> ramps = new ArrayList<>();
    for (RouteState route : routes) {
      for (VariantState variant : route.getVariantsList()) {
        // No calls in the window: rates and quantiles of nothing would read as zeros.
        LiveFigures live =
            variant.hasLive() && variant.getLive().getCalls() > 0 ? variant.getLive() : null;
        table.row(
            route.getModel(),
            variant.getName(),
            Integer.toString(variant.getWeight()),
            route.getWeightsFromApi() ? "api" : "file",
            variant.getEndpointsCount() == 0 ? NONE : String.join(",", variant.getEndpointsList()),
            live == null ? NONE : number(live.getCallsPerSecond(), 1),
            live == null ? NONE : percent(live.getBackendFailureRate()),
            live == null ? NONE : number(live.getP50Ms(), 1),
            live == null ? NONE : number(live.getP99Ms(), 1),
            orNone(variant.getBreaker()));
      }
      if (route.hasRamp()) {
        ramps.add(ramp(route.getModel(), route.getRamp()));
      }
    }
    StringBuilder out = new StringBuilder(table.render());
    for (String ramp : ramps) {
      out.append(ramp).append('\n');
    }
    return out.toString();
  }

  /**
   * {@code ramp digits: v2 over v1 RUNNING step 3/5 (25%) hold 60s since 2026-01-01T10:00:00Z}, and
   * the detail of its last change of phase when there is one.
   */
  static String ramp(String model, RampState ramp) {
    StringBuilder line =
        new StringBuilder("ramp ")
            .append(model)
            .append(": ")
            .append(ramp.getCanary())
            .append(" over ")
            .append(orNone(ramp.getStable()))
            .append(' ')
            .append(ramp.getPhase().name())
            .append(" step ")
            .append(ramp.getStep() + 1)
            .append('/')
            .append(ramp.getStepsCount());
    if (ramp.getStep() < ramp.getStepsCount()) {
      line.append(" (").append(ramp.getSteps(ramp.getStep())).append("%)");
    }
    if (ramp.hasHold()) {
      line.append(" hold ").append(Durations.format(duration(ramp.getHold())));
    }
    if (ramp.hasStepSince()) {
      line.append(" since ").append(time(ramp.getStepSince()));
    }
    if (!ramp.getDetail().isEmpty()) {
      line.append(": ").append(ramp.getDetail());
    }
    return line.toString();
  }

  /**
   * {@code v1 100->90 v2 0->10}: each variant in either map; unchanged ones, and those with no
   * weight before, as one number.
   */
  static String weightChange(Map<String, Integer> before, Map<String, Integer> after) {
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    List<String> parts = new ArrayList<>();
    for (String name : names) {
      String was = before.containsKey(name) ? before.get(name).toString() : null;
      String is = after.containsKey(name) ? after.get(name).toString() : NONE;
      // No "before" (the first start): the weight as it became.
      parts.add(name + " " + (was == null || was.equals(is) ? is : was + "->" + is));
    }
    return parts.isEmpty() ? NONE : String.join(" ", parts);
  }

  private static String figures(Map<String, Double> figures) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(figures).forEach((name, value) -> parts.add(name + "=" + number(value, 3)));
    return "[" + String.join(" ", parts) + "]";
  }

  private static String time(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos())
        .truncatedTo(ChronoUnit.SECONDS)
        .toString();
  }

  private static Duration duration(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  private static String percent(double share) {
    return number(share * 100, 2) + "%";
  }

  private static String number(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  private static String orNone(String text) {
    return text.isEmpty() ? NONE : text;
  }
}
