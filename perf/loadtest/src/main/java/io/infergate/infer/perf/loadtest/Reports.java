package io.infergate.infer.perf.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a finished run into a {@link Report}: ghz's figures, its options echo, the extras. */
final class Reports {
  private Reports() {}

  /** The report of {@code run}, which ran {@code plan} under {@code settings}. */
  static Report of(Settings settings, Runner.Finished run, RunPlan plan) {
    Recorder rec = run.recorder();
    Report report;
    synchronized (rec) {
      report =
          new Report(
              ghzOptions(settings, plan),
              rec,
              run.endReason(),
              run.totalNanos(),
              settings.output().tags());
    }
    Settings.Load load = settings.load();
    boolean extra =
        load.warmupNanos() > 0
            || plan.openLoop()
            || plan.async()
            || !rec.variants.isEmpty()
            || load.slo() != null
            || load.rps() > 0
            || plan.rate() != null;
    if (extra) {
      Report.Extras x = new Report.Extras();
      x.rec = rec;
      x.mode = plan.mode();
      x.hasIntended = plan.openLoop();
      x.sent = rec.sent;
      double seconds = Math.max(1e-9, run.totalNanos() / 1e9);
      x.achievedRps = rec.sent / seconds;
      x.requestedRps = requestedRps(plan.rate(), run.totalNanos());
      if (plan.rate() != null) {
        x.requestedPerSecond = new double[rec.timeline.size()];
        for (int i = 0; i < x.requestedPerSecond.length; i++) {
          x.requestedPerSecond[i] = plan.rate().valueAt(i * Schedule.SECOND);
        }
      }
      report.extras = x;
    }
    return report;
  }

  /** The mean rate the schedule asked for over {@code nanos}. */
  static double requestedRps(Schedule rate, long nanos) {
    if (rate == null || nanos <= 0) {
      return 0;
    }
    if (rate.kind() == Schedule.Kind.CONST) {
      return rate.start();
    }
    double calls = 0;
    long step = rate.stepNanos();
    for (long t = 0; t < nanos; t += step) {
      long len = Math.min(step, nanos - t);
      calls += rate.valueAt(t) * (len / 1e9);
    }
    return calls / (nanos / 1e9);
  }

  /** ghz's options as its reports echo them; rate, total and duration are the plan's. */
  private static ReportOptions ghzOptions(Settings s, RunPlan plan) {
    Settings.Call call = s.call();
    Settings.Connection c = s.connection();
    Settings.Load load = s.load();
    Settings.Payload payload = s.payload();
    ReportOptions r = new ReportOptions();
    r.call = call.method() == null ? null : call.method().trim();
    r.host = c.host();
    r.proto = call.proto();
    r.protoset = call.hasProto() ? null : call.protoset();
    if (call.hasProto()) {
      List<String> paths = new ArrayList<>();
      Path parent = Path.of(call.proto().trim()).getParent();
      if (parent != null && !parent.toString().equals(".")) {
        paths.add(parent.toString());
      }
      paths.add(".");
      call.importPaths().stream().filter(Flags::notBlank).forEach(paths::add);
      r.importPaths = paths;
    }
    r.enableCompression = c.compression();
    r.cacert = c.cacert();
    r.cert = c.cert();
    r.key = c.key();
    r.cname = c.cname();
    r.skipTls = c.skipTls();
    r.insecure = c.insecure();
    r.authority = c.authority();
    r.rps =
        plan.rate() != null && plan.rate().kind() == Schedule.Kind.CONST
            ? plan.rate().start()
            : load.rps();
    r.load = load.rateFlags();
    r.concurrency = load.concurrency();
    r.concurrencySchedule = load.concurrencyFlags();
    r.total = plan.total() == Long.MAX_VALUE ? Integer.MAX_VALUE : plan.total();
    r.async = load.plan().async();
    r.connections = c.connections();
    r.duration = plan.durationNanos();
    r.timeout = load.timeoutNanos();
    r.dialTimeout = c.connectTimeoutNanos();
    r.keepalive = c.keepaliveNanos();
    r.data = Report.parseOrNull(payload.dataJson());
    r.binary = payload.binary();
    r.metadata =
        payload.metadataJson() == null ? null : Requests.metadataMap(payload.metadataJson());
    r.cpus =
        c.eventLoopThreads() > 0
            ? c.eventLoopThreads()
            : Runtime.getRuntime().availableProcessors();
    r.name = s.output().name();
    r.skipFirst = s.output().skipFirst();
    r.countErrors = s.output().countErrors();
    return r;
  }
}
