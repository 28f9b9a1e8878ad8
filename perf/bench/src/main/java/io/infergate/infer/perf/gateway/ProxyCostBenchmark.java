package io.infergate.infer.perf.gateway;

import static io.infergate.infer.perf.kit.Table.fixed;
import static io.infergate.infer.perf.kit.Table.whole;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.GrpcFrames;
import io.infergate.infer.perf.kit.JitCpu;
import io.infergate.infer.perf.kit.Spread;
import io.infergate.infer.perf.kit.Stats;
import io.infergate.infer.perf.kit.Table;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the gateway costs as a proxy: h2load, closed loop, against the fixed backend directly,
 * through nginx {@code grpc_pass}, and through the gateway, alternating the three in every round;
 * then the gateway's allocation per call from JFR.
 */
final class ProxyCostBenchmark {
  private static final String DIRECT = "direct";
  private static final String NGINX = "nginx";
  private static final String GATEWAY = "gateway";
  private static final int WARMUP_RUN_SECONDS = 5;
  private static final String ALLOCATION_SETTINGS =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          + "<configuration version=\"2.0\" label=\"allocation\">\n"
          + "  <event name=\"jdk.ThreadAllocationStatistics\">\n"
          + "    <setting name=\"enabled\">true</setting>\n"
          + "    <setting name=\"period\">1 s</setting>\n"
          + "  </event>\n"
          + "</configuration>\n";

  private final Options options;
  private final Launcher launcher;
  private final PrintStream progress;

  /** Every measured run, once {@link #run} has returned. */
  private final List<Measurement> measured = new ArrayList<>();

  /**
   * @param inFlight closed-loop concurrencies; each is {@code clients} connections (fewer if
   *     smaller) times the streams on each
   * @param warmupSeconds per target before any round, at least, in 5 s h2load runs whose rates are
   *     shown; more runs follow until the rate is steady or {@code warmupMaxSeconds} have passed
   * @param runWarmupSeconds h2load's own warm-up inside every measured run (0: none)
   * @param allocationSeconds the JFR allocation run, at 64 in flight; 0 skips it
   */
  record Options(
      Path work,
      String proxyCpus,
      String loadCpus,
      List<Integer> inFlight,
      int clients,
      int rounds,
      int runSeconds,
      int runWarmupSeconds,
      int warmupSeconds,
      int warmupMaxSeconds,
      int allocationSeconds,
      String nginxBinary,
      String nginxVersion,
      int row,
      String callTimeout) {}

  ProxyCostBenchmark(Options options, Launcher launcher, PrintStream progress) {
    this.options = options;
    this.launcher = launcher;
    this.progress = progress;
  }

  /** Runs everything and returns the results as Markdown. */
  String run() throws Exception {
    Path work = Files.createDirectories(options.work().resolve("proxy"));
    ModelInferRequest request = DigitsMessages.request(options.row());
    int label = DigitsMessages.label(options.row());
    Path body = work.resolve("request.grpc");
    Files.write(body, GrpcFrames.frame(request.toByteArray()));
    H2Load h2load = new H2Load(options.loadCpus(), body, work, options.callTimeout());
    StringBuilder out = new StringBuilder();

    List<ChildProcess> started = new ArrayList<>();
    ManagedChannel backendChannel = null;
    try {
      ChildProcess backend = launcher.backend(work, options.loadCpus(), label);
      started.add(backend);
      backendChannel = NettyChannelBuilder.forTarget(backend.address()).usePlaintext().build();
      Map<String, ChildProcess> proxies = new LinkedHashMap<>();
      Map<String, String> addresses = new LinkedHashMap<>();
      addresses.put(DIRECT, backend.address());
      if (options.nginxBinary() != null) {
        ChildProcess nginx =
            Nginx.start(
                options.nginxBinary(),
                options.proxyCpus(),
                work.resolve("nginx"),
                FreePorts.pick(),
                backend.address(),
                options.nginxVersion());
        started.add(nginx);
        proxies.put(NGINX, nginx);
        addresses.put(NGINX, nginx.address());
      }
      // JFR records only per-thread allocation counters, once a second, from the start: starting
      // a recording later (jcmd JFR.start) sets a one-core JVM back for seconds.
      Path allocationSettings = work.resolve("allocation.jfc");
      Files.writeString(allocationSettings, ALLOCATION_SETTINGS);
      ChildProcess gateway =
          launcher.gateway(
              work,
              "gateway",
              options.proxyCpus(),
              backend.address(),
              options.allocationSeconds() > 0
                  ? List.of(
                      "-XX:StartFlightRecording=name=allocation,settings=" + allocationSettings)
                  : List.of());
      started.add(gateway);
      proxies.put(GATEWAY, gateway);
      addresses.put(GATEWAY, gateway.address());
      List<String> targets = new ArrayList<>(addresses.keySet());

      out.append("Request: one held-out digit (validation row ")
          .append(options.row())
          .append(", label ")
          .append(label)
          .append("), raw FP32, ")
          .append(request.getSerializedSize())
          .append(" bytes + 5-byte gRPC prefix; the fixed backend answers ")
          .append(DigitsMessages.response(label).getSerializedSize())
          .append(" bytes.\n\n");
      out.append(validate("before the rounds", addresses, request, label));

      Table warmup =
          new Table(
              "path",
              "calls/s in each 5 s warm-up run at 64 in flight (the path's JIT compilers' share of"
                  + " a core)");
      for (String target : targets) {
        List<ChildProcess> jvms = onPath(backend, proxies.get(target));
        List<String> rates = warmUp(h2load, addresses.get(target), jvms);
        progress.printf("warm-up %s: %s%n", target, rates);
        warmup.row(target, String.join(", ", rates));
      }

      List<Measurement> measurements = new ArrayList<>();
      for (int inFlight : options.inFlight()) {
        int clients = Math.min(options.clients(), inFlight);
        if (inFlight % clients != 0) {
          throw new IllegalArgumentException(
              "in flight " + inFlight + " is not a multiple of " + clients + " clients");
        }
        int streams = inFlight / clients;
        for (int round = 1; round <= options.rounds(); round++) {
          for (int i = 0; i < targets.size(); i++) {
            // Rotate the order every round so that no path always runs first or last.
            String target = targets.get((i + round - 1) % targets.size());
            ChildProcess proxy = proxies.get(target);
            List<ChildProcess> measured = onPath(backend, proxy);
            long servedBefore = Probes.callsServed(backendChannel);
            H2Load.Run run =
                h2load.run(
                    addresses.get(target),
                    clients,
                    streams,
                    options.runWarmupSeconds(),
                    options.runSeconds(),
                    measured);
            long served = Probes.callsServed(backendChannel) - servedBefore;
            Measurement m = Measurement.of(target, inFlight, round, run, served, proxy != null);
            measurements.add(m);
            progress.printf(
                "N=%d round %d %-7s %s calls/s p50 %d µs p99 %d µs proxy %s µs/call%n",
                inFlight,
                round,
                target,
                whole(m.callsPerSecond()),
                m.p50Micros(),
                m.p99Micros(),
                fixed(m.proxyCpuMicros(), 1));
          }
        }
      }
      this.measured.addAll(measurements);
      out.append(validate("after the rounds", addresses, request, label));
      out.append("\nGateway RSS after the rounds: ")
          .append(gateway.rssKib() / 1024)
          .append(" MiB.\n\n");

      out.append("#### Summary (medians of ")
          .append(options.rounds())
          .append(" rounds; min–max in brackets)\n\n");
      out.append(summary(measurements, targets));
      out.append("\n#### Gateway against nginx and against the direct path\n\n");
      out.append(ratios(measurements, targets));
      if (options.allocationSeconds() > 0) {
        out.append("\n#### Allocation per call in the gateway\n\n");
        out.append(allocation(h2load, gateway, work));
      }
      out.append("\n#### Warm-up (discarded)\n\n").append(warmup);
      out.append("\n#### Every run\n\n").append(everyRun(measurements));
      return out.toString();
    } finally {
      if (backendChannel != null) {
        backendChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (ChildProcess process : started) {
        process.close();
      }
    }
  }

  /**
   * 5 s runs at 64 in flight for at least {@code warmupSeconds}, then until the path's JVMs ({@code
   * jvms}) spent under {@link JitCpu#QUIET_SHARE} of a core compiling in two runs in a row, for at
   * most {@code warmupMaxSeconds}. A JVM on one core compiles while it serves and reaches its
   * steady rate only after tens of seconds; two runs agreeing on a rate is no sign of that (a CI
   * run saw a gateway at 1,786 then 1,872 calls/s, its compilers still busy, then 10,643 measured),
   * and C2 may resume after one quiet run. Each rate is shown with the compilers' share of a core.
   */
  private List<String> warmUp(H2Load h2load, String address, List<ChildProcess> jvms)
      throws Exception {
    List<String> rates = new ArrayList<>();
    int quietRuns = 0;
    for (int elapsed = 0; elapsed < options.warmupMaxSeconds(); elapsed += WARMUP_RUN_SECONDS) {
      long jitBefore = jitTicks(jvms);
      long started = System.nanoTime();
      H2Load.Run run = h2load.run(address, options.clients(), 16, 0, WARMUP_RUN_SECONDS, List.of());
      double jit = JitCpu.share(jitTicks(jvms) - jitBefore, System.nanoTime() - started);
      rates.add(
          whole(run.summary().requestsPerSecond()) + " (JIT " + Math.round(100 * jit) + " %)");
      quietRuns = jit < JitCpu.QUIET_SHARE ? quietRuns + 1 : 0;
      if (elapsed + WARMUP_RUN_SECONDS >= options.warmupSeconds() && quietRuns >= 2) {
        break;
      }
    }
    return rates;
  }

  /** The processes a call crosses: the backend, and the proxy unless {@code proxy} is null. */
  private static List<ChildProcess> onPath(ChildProcess backend, ChildProcess proxy) {
    return proxy == null ? List.of(backend) : List.of(backend, proxy);
  }

  private static long jitTicks(List<ChildProcess> jvms) {
    return jvms.stream().mapToLong(ChildProcess::jitCpuTicks).sum();
  }

  private String validate(
      String when, Map<String, String> addresses, ModelInferRequest request, int label)
      throws InterruptedException {
    StringBuilder out = new StringBuilder("Real grpc-java call through each path " + when + ": ");
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> entry : addresses.entrySet()) {
      parts.add(entry.getKey() + " " + Probes.check(entry.getValue(), request, label));
    }
    return out.append(String.join("; ", parts)).append(".\n\n").toString();
  }

  /**
   * The gateway's median calls/s over nginx's at {@code inFlight}, from the rounds {@link #run}
   * measured; empty when nginx was not measured there.
   */
  OptionalDouble gatewayOverNginx(int inFlight) {
    List<Measurement> nginx = select(measured, inFlight, NGINX);
    List<Measurement> gateway = select(measured, inFlight, GATEWAY);
    if (nginx.isEmpty() || gateway.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        spread(gateway, Measurement::callsPerSecond).median()
            / spread(nginx, Measurement::callsPerSecond).median());
  }

  private String summary(List<Measurement> measurements, List<String> targets) {
    Table table =
        new Table(
            "in flight",
            "path",
            "calls/s",
            "p50 µs",
            "p90 µs",
            "p99 µs",
            "proxy CPU µs/call",
            "proxy core %",
            "backend CPU µs/call",
            "cores busy % (0/1), each round");
    for (int inFlight : options.inFlight()) {
      for (String target : targets) {
        List<Measurement> runs = select(measurements, inFlight, target);
        Spread rate = spread(runs, Measurement::callsPerSecond);
        table.row(
            inFlight,
            target,
            whole(rate.median()) + " [" + whole(rate.min()) + "–" + whole(rate.max()) + "]",
            whole(spread(runs, m -> m.p50Micros()).median()),
            whole(spread(runs, m -> m.p90Micros()).median()),
            whole(spread(runs, m -> m.p99Micros()).median()),
            fixed(spread(runs, Measurement::proxyCpuMicros).median(), 1),
            whole(spread(runs, Measurement::proxyCorePercent).median()),
            fixed(spread(runs, Measurement::backendCpuMicros).median(), 1),
            coresBusy(runs));
      }
    }
    return table.toString();
  }

  private String ratios(List<Measurement> measurements, List<String> targets) {
    boolean withNginx = targets.contains(NGINX);
    Table table =
        new Table(
            "in flight",
            "gateway/nginx calls/s (per-round min–max)",
            "gateway/direct calls/s",
            "gateway p50 − direct p50, µs",
            "nginx p50 − direct p50, µs",
            "gateway/nginx proxy CPU per call");
    for (int inFlight : options.inFlight()) {
      List<Measurement> gateway = select(measurements, inFlight, GATEWAY);
      List<Measurement> direct = select(measurements, inFlight, DIRECT);
      double gatewayRate = spread(gateway, Measurement::callsPerSecond).median();
      double directRate = spread(direct, Measurement::callsPerSecond).median();
      double directP50 = spread(direct, m -> m.p50Micros()).median();
      double gatewayP50 = spread(gateway, m -> m.p50Micros()).median();
      String versusNginx = "-";
      String nginxAdded = "-";
      String cpuRatio = "-";
      if (withNginx) {
        List<Measurement> nginx = select(measurements, inFlight, NGINX);
        double[] perRound = new double[gateway.size()];
        for (int i = 0; i < perRound.length; i++) {
          perRound[i] = gateway.get(i).callsPerSecond() / nginx.get(i).callsPerSecond();
        }
        Spread rounds = Spread.of(perRound);
        versusNginx =
            fixed(gatewayRate / spread(nginx, Measurement::callsPerSecond).median(), 2)
                + "× ["
                + fixed(rounds.min(), 2)
                + "–"
                + fixed(rounds.max(), 2)
                + "]";
        nginxAdded = whole(spread(nginx, m -> m.p50Micros()).median() - directP50);
        cpuRatio =
            fixed(
                    spread(gateway, Measurement::proxyCpuMicros).median()
                        / spread(nginx, Measurement::proxyCpuMicros).median(),
                    2)
                + "×";
      }
      table.row(
          inFlight,
          versusNginx,
          fixed(gatewayRate / directRate, 2) + "×",
          whole(gatewayP50 - directP50),
          nginxAdded,
          cpuRatio);
    }
    return table.toString();
  }

  private String everyRun(List<Measurement> measurements) {
    Table table =
        new Table(
            "in flight",
            "round",
            "path",
            "calls/s",
            "p50 µs",
            "p90 µs",
            "p99 µs",
            "p99.9 µs",
            "max µs",
            "proxy CPU µs/call",
            "backend CPU µs/call",
            "cores busy %",
            "HTTP failures",
            "2xx not served by backend");
    for (Measurement m : measurements) {
      table.row(
          m.inFlight(),
          m.round(),
          m.target(),
          whole(m.callsPerSecond()),
          m.p50Micros(),
          m.p90Micros(),
          m.p99Micros(),
          m.p999Micros(),
          m.maxMicros(),
          fixed(m.proxyCpuMicros(), 1),
          fixed(m.backendCpuMicros(), 1),
          m.coresBusy(),
          m.httpFailures(),
          m.notServed());
    }
    return table.toString();
  }

  /**
   * Drives the warm gateway at 64 in flight, dumps its JFR recording of per-thread allocation
   * counters, and divides the bytes allocated between two samples inside the run by the calls
   * completed between them.
   */
  private String allocation(H2Load h2load, ChildProcess gateway, Path work) throws Exception {
    Path recording = work.resolve("allocation.jfr");
    Files.deleteIfExists(recording);
    H2Load.Run run =
        h2load.run(
            gateway.address(),
            options.clients(),
            16,
            0,
            options.allocationSeconds(),
            List.of(gateway));
    launcher.jcmd(gateway.pid(), "JFR.dump", "name=allocation", "filename=" + recording);
    List<AllocationWindow.Sample> samples = new ArrayList<>();
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (event.getEventType().getName().equals("jdk.ThreadAllocationStatistics")) {
          samples.add(
              new AllocationWindow.Sample(
                  event.getThread("thread").getId(),
                  event.getStartTime().getEpochSecond() * 1_000_000
                      + event.getStartTime().getNano() / 1_000,
                  event.getLong("allocated")));
        }
      }
    }
    H2LoadLog log = run.log();
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (int i = 0; i < log.succeeded(); i++) {
      from = Math.min(from, log.startMicros()[i]);
      to = Math.max(to, log.startMicros()[i] + log.latencyMicros()[i]);
    }
    AllocationWindow.Result result = AllocationWindow.measure(samples, log, from, to);
    return new Table(
                "in flight",
                "calls/s",
                "window s",
                "calls in window",
                "bytes allocated",
                "bytes/call")
            .row(
                64,
                whole(run.summary().requestsPerSecond()),
                fixed((result.toMicros() - result.fromMicros()) / 1e6, 1),
                whole(result.calls()),
                whole(result.bytes()),
                whole(result.bytesPerCall()))
        + "\nJFR `jdk.ThreadAllocationStatistics` (every thread's allocated bytes, sampled each"
        + " second; the only event the gateway's recording has, from its start) in a run after"
        + " the rounds; bytes"
        + " between the first and last sample inside the h2load run ÷ calls completed between"
        + " them (from h2load's log); every Java thread of the gateway counts.\n";
  }

  private static String coresBusy(List<Measurement> runs) {
    List<String> rounds = new ArrayList<>();
    for (Measurement run : runs) {
      rounds.add(run.coresBusy());
    }
    return String.join(", ", rounds);
  }

  private static List<Measurement> select(
      List<Measurement> measurements, int inFlight, String target) {
    List<Measurement> selected = new ArrayList<>();
    for (Measurement m : measurements) {
      if (m.inFlight() == inFlight && m.target().equals(target)) {
        selected.add(m);
      }
    }
    return selected;
  }

  private static Spread spread(
      List<Measurement> runs, java.util.function.ToDoubleFunction<Measurement> metric) {
    double[] values = new double[runs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = metric.applyAsDouble(runs.get(i));
    }
    return Spread.of(values);
  }

  /** One h2load run against one path. */
  record Measurement(
      String target,
      int inFlight,
      int round,
      double callsPerSecond,
      long p50Micros,
      long p90Micros,
      long p99Micros,
      long p999Micros,
      long maxMicros,
      double proxyCpuMicros,
      double proxyCorePercent,
      double backendCpuMicros,
      String coresBusy,
      long httpFailures,
      long notServed) {

    static Measurement of(
        String target, int inFlight, int round, H2Load.Run run, long served, boolean proxied) {
      long[] sorted = run.log().sortedLatencies();
      if (sorted.length == 0) {
        throw new IllegalStateException(target + " at " + inFlight + ": no successful request");
      }
      H2LoadSummary summary = run.summary();
      return new Measurement(
          target,
          inFlight,
          round,
          summary.requestsPerSecond(),
          Stats.percentile(sorted, 50),
          Stats.percentile(sorted, 90),
          Stats.percentile(sorted, 99),
          Stats.percentile(sorted, 99.9),
          sorted[sorted.length - 1],
          proxied ? run.cpuMicrosPerCall(1) : Double.NaN,
          proxied ? run.corePercent(1) : Double.NaN,
          run.cpuMicrosPerCall(0),
          run.coresBusy(),
          summary.failed() + summary.errored(),
          // Every call h2load saw end with 2xx must have reached the backend (which may also
          // have served a few calls still in flight when h2load stopped): a positive number here
          // is gRPC errors that h2load counted as successes.
          Math.max(0, summary.succeeded() - served));
    }
  }

  private static final class FreePorts {
    static int pick() throws IOException {
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }
  }
}
