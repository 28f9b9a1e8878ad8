package io.infergate.infer.perf.loadtest;

import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the load against a {@link Target}: the warm-up and one measured run (stopped early, and
 * still reported, on SIGINT), or the SLO search's probes. Progress goes to stderr.
 */
record LoadRun(
    Settings settings, Target target, ReportWriter writer, PrintStream err, DebugLog debug) {

  /**
   * Runs and returns the report, or null when it has already been written (SIGINT).
   *
   * @param signals whether SIGINT should stop the run and still print the report
   */
  Report run(boolean signals) throws InterruptedException {
    return settings.load().slo() == null ? runOnce(signals) : searchSlo(settings.load().slo());
  }

  private Report runOnce(boolean signals) throws InterruptedException {
    RunPlan plan = settings.load().plan();
    long warmupNanos = settings.load().warmupNanos();
    if (warmupNanos > 0 && settings.load().warmupAt() == null) {
      debug.add("warm-up started");
      new Runner(target, plan.warmUp(warmupNanos), () -> {}).run(null);
      debug.add("warm-up ended");
    }
    Runner runner =
        new Runner(
            target,
            plan,
            () -> {
              if (target.h2() != null) {
                target.h2().closeConnections();
              }
              target.channels().forEach(ManagedChannel::shutdownNow);
            });
    CountDownLatch reported = new CountDownLatch(1);
    Thread hook = null;
    if (signals) {
      hook =
          new Thread(
              () -> {
                runner.cancel();
                try {
                  reported.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "loadtest-sigint");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    Consumer<String> progress = progress();
    debug.add("run started");
    try {
      long cpuBefore = ProcessCpu.nanos();
      Runner.Finished finished = runner.run(progress);
      long cpuNanos = ProcessCpu.nanos() - cpuBefore;
      clearProgress(progress);
      long calls = finished.recorder().count;
      debug.add("run ended: " + finished.endReason() + ", " + calls + " calls");
      Report report = Reports.of(settings, finished, plan);
      if (report.extras != null && cpuNanos > 0 && calls > 0) {
        report.extras.cpuPerCallNanos = cpuNanos / calls;
      }
      if (signals && runner.cancelled()) {
        // On SIGINT the JVM halts once the hook returns: write the report before releasing it.
        writer.write(report);
        return null;
      }
      return report;
    } finally {
      reported.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // Already shutting down (SIGINT): the hook is running and the report has been written.
          debug.add("shutdown in progress");
        }
      }
    }
  }

  private Report searchSlo(Settings.Slo slo) throws InterruptedException {
    SloSearch search = new SloSearch(slo.objectives(), slo.minRps(), slo.maxRps(), slo.precision());
    long probeNanos = slo.probeNanos();
    Consumer<String> progress = progress();
    RunPlan base =
        new RunPlan(
            true,
            false,
            Long.MAX_VALUE,
            probeNanos,
            0,
            RunPlan.DurationStop.CLOSE,
            null,
            settings.load().plan().concurrency(),
            settings.load().plan().skipFirst());
    search.search(
        rps -> {
          Runner.Finished probe =
              new Runner(
                      target,
                      base.withRate(Schedule.constant(Math.round(rps)), probeNanos),
                      () -> {})
                  .run(progress);
          clearProgress(progress);
          return probe;
        },
        line -> err.println("loadtest: " + line));
    Runner.Finished shown = search.best != null ? search.best : search.first;
    RunPlan plan =
        base.withRate(
            Schedule.constant(Math.round(search.bestRps > 0 ? search.bestRps : slo.minRps())),
            probeNanos);
    Report report = Reports.of(settings, shown, plan);
    report.extras.slo = search.describe();
    report.extras.sloBestRps = search.bestRps;
    report.extras.sloProbes = search.probes;
    return report;
  }

  private Consumer<String> progress() {
    Boolean setting = settings.output().progress();
    boolean on = setting != null ? setting : System.console() != null;
    if (!on) {
      return null;
    }
    return line -> {
      err.print("\r" + line);
      err.flush();
    };
  }

  private void clearProgress(Consumer<String> progress) {
    if (progress != null) {
      err.print("\r" + " ".repeat(100) + "\r");
      err.flush();
    }
  }
}
