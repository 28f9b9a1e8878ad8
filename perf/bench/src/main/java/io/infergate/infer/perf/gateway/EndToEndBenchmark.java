package io.infergate.infer.perf.gateway;

import static io.infergate.infer.perf.kit.Table.fixed;
import static io.infergate.infer.perf.kit.Table.whole;

import io.infergate.infer.perf.OpenLoopLoad;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ProcStat;
import io.infergate.infer.perf.kit.Table;
import io.infergate.infer.perf.kit.Trees;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * End to end to the real model: a model server serving {@code digits} v2, called directly and
 * through the gateway by the open-loop generator, and for each path the highest rate whose p99
 * stays under the objective with no errors, with the CPU each process spent per call at that rate.
 */
final class EndToEndBenchmark {
  private final Options options;
  private final Launcher launcher;
  private final PrintStream progress;

  /**
   * @param modelServerCpus where the model server runs
   * @param gatewayCpus where the gateway runs; the load generator (this JVM) runs where it was
   *     started
   * @param batching whether the model server batches calls (as served: {@code --batching})
   */
  record Options(
      Path work,
      Path models,
      String modelServerCpus,
      String gatewayCpus,
      int row,
      int warmupSeconds,
      double warmupRate,
      int stepSeconds,
      int stepWarmupSeconds,
      double startRate,
      double maxRate,
      double sloMillis,
      double precision,
      int maxSteps,
      long deadlineMillis,
      boolean batching) {}

  EndToEndBenchmark(Options options, Launcher launcher, PrintStream progress) {
    this.options = options;
    this.launcher = launcher;
    this.progress = progress;
  }

  String run() throws Exception {
    Path work = Files.createDirectories(options.work().resolve("e2e"));
    progress.println("ensuring digits is trained and exported under " + options.models());
    launcher.ensureDigits(options.models(), work.resolve("trainer.log"));
    Path repository = work.resolve("repository");
    Path version = repository.resolve(DigitsMessages.MODEL).resolve(DigitsMessages.VERSION);
    Files.createDirectories(version.getParent());
    if (Files.exists(version, LinkOption.NOFOLLOW_LINKS)) {
      Trees.delete(version); // a copy from an earlier run, or the link an earlier version made
    }
    Trees.copy(
        options
            .models()
            .toAbsolutePath()
            .resolve(DigitsMessages.MODEL)
            .resolve(DigitsMessages.VERSION),
        version);

    ModelInferRequest request = DigitsMessages.request(options.row());
    StringBuilder out = new StringBuilder();
    try (ChildProcess modelServer =
            launcher.modelServer(work, options.modelServerCpus(), repository, options.batching());
        ChildProcess gateway =
            launcher.gateway(
                work, "e2e-gateway", options.gatewayCpus(), modelServer.address(), List.of())) {
      long predicted = DigitsMessages.predictedClass(Probes.infer(modelServer.address(), request));
      out.append("Request: validation row ")
          .append(options.row())
          .append(" (label ")
          .append(DigitsMessages.label(options.row()))
          .append("), raw FP32 [1,64]; model server ")
          .append(options.batching() ? "batched (`--batching`)" : "unbatched")
          .append(". Real grpc-java call: direct ")
          .append(Probes.check(modelServer.address(), request, predicted))
          .append("; through the gateway ")
          .append(Probes.check(gateway.address(), request, predicted))
          .append(".\n\n");

      String[] paths = {"direct", "gateway"};
      List<OpenLoopLoad> loads = new ArrayList<>();
      List<List<ChildProcess>> measured = new ArrayList<>();
      for (String path : paths) {
        boolean viaGateway = path.equals("gateway");
        loads.add(
            new OpenLoopLoad(
                viaGateway ? gateway.address() : modelServer.address(),
                request.toByteArray(),
                TimeUnit.MILLISECONDS.toNanos(options.deadlineMillis())));
        measured.add(viaGateway ? List.of(modelServer, gateway) : List.of(modelServer));
      }
      List<Step> steps = new ArrayList<>();
      List<Step> best = new ArrayList<>();
      List<RateSearch.Outcome> outcomes = new ArrayList<>();
      try {
        // Both paths warm up before either is measured, so that the model server is as warm for
        // the first search as for the second.
        for (int i = 0; i < paths.length; i++) {
          Step warm =
              step(
                  paths[i],
                  loads.get(i),
                  measured.get(i),
                  options.warmupRate(),
                  0,
                  options.warmupSeconds());
          progress.printf("e2e %s warm-up: %s%n", paths[i], warm.describe());
        }
        for (int i = 0; i < paths.length; i++) {
          String path = paths[i];
          OpenLoopLoad load = loads.get(i);
          List<ChildProcess> processes = measured.get(i);
          List<Step> mine = new ArrayList<>();
          RateSearch.Outcome outcome =
              RateSearch.search(
                  options.startRate(),
                  options.maxRate(),
                  options.precision(),
                  options.maxSteps(),
                  rate -> {
                    // On a shared machine one burst from a neighbour can fail a step; a failed
                    // rate is tried once more and fails only if both tries fail (both shown).
                    for (int attempt = 1; attempt <= 2; attempt++) {
                      Step step =
                          step(
                              path,
                              load,
                              processes,
                              rate,
                              options.stepWarmupSeconds(),
                              options.stepSeconds());
                      progress.printf("e2e %s: %s%n", path, step.describe());
                      mine.add(step);
                      Thread.sleep(1000);
                      if (step.passed()) {
                        return true;
                      }
                    }
                    return false;
                  });
          outcomes.add(outcome);
          steps.addAll(mine);
          Step top = null;
          for (Step step : mine) {
            if (step.passed() && (top == null || step.rate() > top.rate())) {
              top = step;
            }
          }
          best.add(top);
        }
      } finally {
        for (OpenLoopLoad load : loads) {
          load.close();
        }
      }
      out.append(summary(paths, outcomes, best));
      out.append("\n#### Every step\n\n").append(everyStep(steps));
      return out.toString();
    }
  }

  private Step step(
      String path,
      OpenLoopLoad load,
      List<ChildProcess> measured,
      double rate,
      int warmupSeconds,
      int seconds)
      throws IOException, InterruptedException {
    List<CoreTimes.Core> coresBefore = CoreTimes.read();
    long selfBefore = ProcStat.read(ProcessHandle.current().pid()).cpuTicks();
    long[] before = new long[measured.size()];
    for (int i = 0; i < before.length; i++) {
      before[i] = measured.get(i).cpuTicks();
    }
    OpenLoopLoad.Result result =
        load.run(
            rate,
            TimeUnit.SECONDS.toNanos(warmupSeconds),
            TimeUnit.SECONDS.toNanos(seconds),
            (int) Math.max(1000, rate));
    double[] cpu = new double[measured.size() + 1];
    double perCall = 1e6 / ProcStat.TICKS_PER_SECOND / Math.max(1, result.allEnded());
    for (int i = 0; i < before.length; i++) {
      cpu[i] = (measured.get(i).cpuTicks() - before[i]) * perCall;
    }
    cpu[measured.size()] =
        (ProcStat.read(ProcessHandle.current().pid()).cpuTicks() - selfBefore) * perCall;
    boolean passed =
        result.failed() == 0
            && result.ok() > 0
            && result.percentileMillis(99) < options.sloMillis();
    return new Step(
        path,
        rate,
        result,
        cpu[0],
        measured.size() > 1 ? cpu[1] : Double.NaN,
        cpu[measured.size()],
        CoreTimes.busyPercent(coresBefore, CoreTimes.read()),
        passed);
  }

  private String summary(String[] paths, List<RateSearch.Outcome> outcomes, List<Step> best) {
    Table table =
        new Table(
            "path",
            "highest rate with p99 < " + whole(options.sloMillis()) + " ms, no errors",
            "lowest failing rate",
            "p50 / p99 ms there",
            "model-server CPU µs/call",
            "gateway CPU µs/call",
            "load generator CPU µs/call",
            "one core ÷ CPU per call: model server / the rest",
            "cores busy % (0/1)");
    for (int i = 0; i < paths.length; i++) {
      RateSearch.Outcome outcome = outcomes.get(i);
      Step top = best.get(i);
      table.row(
          paths[i],
          whole(outcome.highestPass()) + " calls/s",
          Double.isFinite(outcome.lowestFail()) ? whole(outcome.lowestFail()) : "none up to max",
          top == null
              ? "-"
              : fixed(top.result().percentileMillis(50), 2)
                  + " / "
                  + fixed(top.result().percentileMillis(99), 2),
          top == null ? "-" : fixed(top.modelServerCpuMicros(), 0),
          top == null ? "-" : fixed(top.gatewayCpuMicros(), 0),
          top == null ? "-" : fixed(top.loadCpuMicros(), 0),
          top == null ? "-" : capacity(top),
          top == null ? "-" : top.coresBusy());
    }
    return table.toString();
  }

  /**
   * What one core could sustain at this step's CPU cost per call: the model server's core, and the
   * core the gateway (if any) shares with the load generator.
   */
  private static String capacity(Step step) {
    double rest =
        step.loadCpuMicros()
            + (Double.isNaN(step.gatewayCpuMicros()) ? 0 : step.gatewayCpuMicros());
    return whole(1e6 / step.modelServerCpuMicros()) + " / " + whole(1e6 / rest);
  }

  private static String everyStep(List<Step> steps) {
    Table table =
        new Table(
            "path",
            "requested/s",
            "achieved/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "failed",
            "pass",
            "model-server µs/call",
            "gateway µs/call",
            "load µs/call",
            "cores busy %");
    for (Step step : steps) {
      OpenLoopLoad.Result r = step.result();
      table.row(
          step.path(),
          whole(step.rate()),
          whole(r.achievedPerSecond()),
          fixed(r.percentileMillis(50), 2),
          fixed(r.percentileMillis(90), 2),
          fixed(r.percentileMillis(99), 2),
          fixed(r.percentileMillis(99.9), 2),
          fixed(r.percentileMillis(100), 2),
          r.failed() + (r.lastError() == null ? "" : " (" + r.lastError() + ")"),
          step.passed() ? "yes" : "no",
          fixed(step.modelServerCpuMicros(), 0),
          fixed(step.gatewayCpuMicros(), 0),
          fixed(step.loadCpuMicros(), 0),
          step.coresBusy());
    }
    return table.toString();
  }

  /** One fixed-rate step and the CPU each process spent per call during it. */
  record Step(
      String path,
      double rate,
      OpenLoopLoad.Result result,
      double modelServerCpuMicros,
      double gatewayCpuMicros,
      double loadCpuMicros,
      String coresBusy,
      boolean passed) {

    String describe() {
      return whole(rate)
          + "/s requested, "
          + whole(result.achievedPerSecond())
          + "/s OK, p50 "
          + fixed(result.percentileMillis(50), 2)
          + " ms, p99 "
          + fixed(result.percentileMillis(99), 2)
          + " ms, failed "
          + result.failed()
          + ", model-server "
          + fixed(modelServerCpuMicros, 0)
          + " µs/call"
          + (passed ? "" : "  FAIL");
    }
  }
}
