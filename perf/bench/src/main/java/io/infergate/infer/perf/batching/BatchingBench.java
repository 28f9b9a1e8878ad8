package io.infergate.infer.perf.batching;

import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.perf.DigitsCalls;
import io.infergate.infer.perf.DigitsServer;
import io.infergate.infer.perf.ModelServers;
import io.infergate.infer.perf.ServerJvmArgs;
import io.infergate.infer.perf.Suite;
import io.infergate.infer.perf.gateway.CoreTimes;
import io.infergate.infer.perf.gateway.OtlpSink;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ClosedLoop;
import io.infergate.infer.perf.kit.JitCpu;
import io.infergate.infer.perf.kit.ProcStat;
import io.infergate.infer.perf.kit.Spread;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Batched against unbatched model server, side by side in one run (docs/benchmarks.md rules 1–3):
 * two model servers on the same pinned CPU, one with {@code --batching} and one without, serving
 * the same model; a closed loop of one-row OIP ModelInfer calls from this JVM (pinned to another
 * CPU by {@code perf/bin/batching-bench}); after a warm-up, rounds alternate A B A B ...
 *
 * <p>Reports per round and as medians: calls/s, latency percentiles (HdrHistogram, from send to
 * answer), and server CPU per call from {@code /proc/<pid>/stat}; then the batched server's
 * batch-size distribution, which it logs when it stops.
 *
 * <p>With {@code --compare NAME=YAML} given twice, both servers are batched, each with its own
 * config (a YAML flow mapping; {@code OTLP_SINK} stands for an OTLP/HTTP sink in this JVM that
 * answers every export at once), so the ratio is the cost of what the second config turns on. Two
 * short forms: {@code --monitoring-off-vs-on} (input monitoring off, {@code monitoring.enabled:
 * false}, against on: the cost of checking every call's inputs against the baseline and counting
 * the drift histograms) and {@code --telemetry-off-vs RATIO} (no metrics and no tracing against
 * metrics served and RATIO of new traces exported to the sink). Each server's CPU is also counted
 * over the whole cycle of a round (its own round and the other's), so that work it defers, such as
 * exporting spans, is charged to it.
 */
@Command(
    name = "batching-bench",
    description = "Batched vs unbatched model server throughput, p50/p99 and CPU per call.")
public final class BatchingBench implements Callable<Integer> {
  private static final Duration WARMUP_RUN = Duration.ofSeconds(5);
  private static final Pattern SUMMARY =
      Pattern.compile("Batching summary for model (\\S+) version (\\d+): .* sizes=\\{(.*)}");

  @Mixin Suite suite;
  @Mixin DigitsServer digitsServer;

  @Option(
      names = "--model-version",
      description = "digits version to serve (default: ${DEFAULT-VALUE})")
  long version = 2;

  @Option(names = "--concurrency", description = "calls in flight (default: ${DEFAULT-VALUE})")
  int concurrency = 64;

  @Option(
      names = "--warmup",
      description =
          "warm-up per server, discarded, at least; in 5 s runs, until the server's JIT compilers"
              + " are quiet (default: ${DEFAULT-VALUE})")
  Duration warmup = Duration.ofSeconds(10);

  @Option(
      names = "--warmup-max",
      description = "warm-up per server, at most (default: ${DEFAULT-VALUE})")
  Duration warmupMax = Duration.ofSeconds(60);

  @Option(
      names = "--round",
      description = "length of one measured round (default: ${DEFAULT-VALUE})")
  Duration round = Duration.ofSeconds(5);

  @Option(
      names = "--rounds",
      description = "measured rounds per server (default: ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(
      names = "--batched-config",
      description = "YAML config for the batched server (default: --batching, default settings)")
  Path batchedConfig;

  @Option(
      names = "--monitoring-off-vs-on",
      description =
          "compare two batched servers, input monitoring off against on, instead of unbatched"
              + " against batched")
  boolean monitoringOffVsOn;

  @Option(
      names = "--compare",
      paramLabel = "NAME=YAML",
      description =
          "give twice: two batched servers, each with its own config as a YAML flow mapping (say"
              + " 'telemetry off={telemetry: {metricsEnabled: false}}'), OTLP_SINK standing for an"
              + " OTLP/HTTP sink this run starts; the first is the baseline")
  List<String> compare = new ArrayList<>();

  @Option(
      names = "--telemetry-off-vs",
      paramLabel = "RATIO",
      description =
          "short for --compare 'telemetry off={telemetry: {metricsEnabled: false}}' --compare"
              + " 'metrics + RATIO tracing={telemetry: {metricsPort: 0, traceSampleRatio: RATIO,"
              + " otlpEndpoint: OTLP_SINK, otlpProtocol: http/protobuf}}'")
  Double telemetryOffVs;

  @Option(
      names = "--infer-vs-metadata",
      description =
          "one batched server: ModelMetadata calls (no model run: what its gRPC layer alone"
              + " sustains) against batched ModelInfer calls, alternating, instead of two servers")
  boolean inferVsMetadata;

  @Option(
      names = "--quick",
      description =
          "CI mode (about a minute): warm-up PT15S to PT45S, 3 rounds of PT2S, and exit 1 when"
              + " batched ÷ unbatched calls/s (median) is below --min-ratio")
  boolean quick;

  @Option(
      names = "--min-ratio",
      description = "with --quick: the lowest batched ÷ unbatched ratio that passes (default: 2.0)")
  double minRatio = 2.0;

  @Mixin ServerJvmArgs serverJvmArgs;

  @Option(names = "--log-dir", description = "server logs (default: ${DEFAULT-VALUE})")
  Path logDir = Path.of("perf", "bench", "target", "batching-bench");

  /** The first server's name in the report, and the second's. */
  private String nameA = "unbatched";

  private String nameB = "batched";

  /** The two servers' configs when both are batched; empty for batched against unbatched. */
  private List<ServerSetting> settings = List.of();

  /** One line per warm-up: its runs' rates and JIT shares. */
  private final List<String> warmups = new ArrayList<>();

  /** Lines for the report's header gathered while the servers run (the sink's, the spans'). */
  private List<String> notes = List.of();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BatchingBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (quick) {
      // A fixed 15 s of warm-up still left CI's fresh JVMs compiling through round 3 (unbatched
      // 4,675, 5,413, 8,100 calls/s; batched 9,884, 11,822, 23,116: 2.18x against 2.6-4.0x
      // recorded); hence until the compilers are quiet.
      warmup = Duration.ofSeconds(15);
      warmupMax = Duration.ofSeconds(45);
      round = Duration.ofSeconds(2);
      rounds = 3;
    }
    DigitsTrainer.ensureExported(digitsServer.models());
    ModelInferRequest[] requests = DigitsCalls.heldOut(Long.toString(version));
    List<String> batchedArgs =
        batchedConfig == null
            ? List.of("--batching")
            : List.of("--batching", "--config", batchedConfig.toString());
    settings = settings();
    String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    if (inferVsMetadata) {
      return inferVsMetadata(requests, batchedArgs, started, load);
    }
    List<Round> unbatchedRounds = new ArrayList<>();
    List<Round> batchedRounds = new ArrayList<>();
    List<String> batchedLog;
    boolean withSink = settings.stream().anyMatch(ServerSetting::needsSink);
    // Null when no config names it: try-with-resources skips a null resource.
    try (OtlpSink sink = withSink ? new OtlpSink() : null;
        ChildProcess unbatched =
            settings.isEmpty() ? server("unbatched", List.of()) : server(settings.get(0), sink);
        ChildProcess batched =
            settings.isEmpty() ? server("batched", batchedArgs) : server(settings.get(1), sink);
        ClosedLoop toUnbatched = ClosedLoop.to(unbatched.port(), requests);
        ClosedLoop toBatched = ClosedLoop.to(batched.port(), requests)) {
      System.err.printf(
          "servers: %s pid %d port %d, %s pid %d port %d (CPU %s); warming up%n",
          nameA,
          unbatched.pid(),
          unbatched.port(),
          nameB,
          batched.pid(),
          batched.port(),
          digitsServer.serverCpu());
      warmUp(toUnbatched, unbatched, nameA);
      warmUp(toBatched, batched, nameB);
      for (int r = 1; r <= rounds; r++) {
        long unbatchedBefore = unbatched.cpuTicks();
        long batchedBefore = batched.cpuTicks();
        Round a = measure(toUnbatched, concurrency, round, unbatched);
        Round b = measure(toBatched, concurrency, round, batched);
        unbatchedRounds.add(a.withCycleCpuTicks(unbatched.cpuTicks() - unbatchedBefore));
        batchedRounds.add(b.withCycleCpuTicks(batched.cpuTicks() - batchedBefore));
        progressRound(r, unbatchedRounds.get(r - 1), batchedRounds.get(r - 1));
      }
      List<String> notes = new ArrayList<>();
      if (sink != null) {
        notes.add(
            "OTLP/HTTP sink (in the load generator's JVM, so its CPU counts as the load"
                + " generator's) received "
                + sink.received()
                + " over the whole run");
      }
      for (ChildProcess server : List.of(unbatched, batched)) {
        String spans = SpanProcessorScrape.of(server.log());
        if (!spans.isEmpty()) {
          notes.add(server.name() + "'s span processor at the end (its /metrics): " + spans);
        }
      }
      unbatched.stop(Duration.ofMinutes(1));
      batchedLog = batched.stop(Duration.ofMinutes(1));
      this.notes = notes;
    }
    String report =
        report(started, load, unbatchedRounds, batchedRounds, batchSizes(batchedLog, version));
    suite.print(report);
    return quick ? verdict(unbatchedRounds, batchedRounds) : 0;
  }

  /**
   * The two servers of a {@code --compare} run (or its short forms), A first; empty for batched
   * against unbatched.
   */
  private List<ServerSetting> settings() {
    int modes =
        (monitoringOffVsOn ? 1 : 0)
            + (telemetryOffVs != null ? 1 : 0)
            + (compare.isEmpty() ? 0 : 1)
            + (inferVsMetadata ? 1 : 0);
    if (modes > 1) {
      throw usage(
          "--compare, --telemetry-off-vs, --monitoring-off-vs-on and --infer-vs-metadata: use one");
    }
    List<ServerSetting> chosen = new ArrayList<>();
    if (monitoringOffVsOn) {
      chosen.add(new ServerSetting("monitoring off", "{monitoring: {enabled: false}}"));
      chosen.add(new ServerSetting("monitoring on", "{}"));
    } else if (telemetryOffVs != null) {
      if (!(telemetryOffVs >= 0 && telemetryOffVs <= 1)) {
        throw usage("--telemetry-off-vs: " + telemetryOffVs + " (expected: 0..1)");
      }
      chosen.add(ServerSetting.telemetryOff());
      chosen.add(ServerSetting.metricsAndTracing(telemetryOffVs));
    } else if (!compare.isEmpty()) {
      if (compare.size() != 2) {
        throw usage("--compare: given " + compare.size() + " times (expected: twice)");
      }
      for (String text : compare) {
        try {
          chosen.add(ServerSetting.parse(text));
        } catch (IllegalArgumentException e) {
          throw usage("--compare: " + e.getMessage());
        }
      }
    }
    if (chosen.isEmpty()) {
      return chosen;
    }
    if (batchedConfig != null || quick) {
      throw usage("--batched-config and --quick: not with two batched servers");
    }
    if (chosen.get(0).fileName().equals(chosen.get(1).fileName())) {
      throw usage("--compare: two servers named \"" + chosen.get(0).name() + "\"");
    }
    nameA = chosen.get(0).name();
    nameB = chosen.get(1).name();
    return chosen;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(new CommandLine(this), message);
  }

  /**
   * One batched server, two loops over their own connections: ModelMetadata (A) and batched
   * ModelInfer (B), alternating rounds, so that B/A is the share of the gRPC layer's own rate that
   * inference keeps.
   */
  private int inferVsMetadata(
      ModelInferRequest[] requests, List<String> batchedArgs, String started, String load)
      throws Exception {
    nameA = "ModelMetadata";
    nameB = "batched ModelInfer";
    List<Round> metadataRounds = new ArrayList<>();
    List<Round> inferRounds = new ArrayList<>();
    List<String> batchedLog;
    try (ChildProcess batched = server("batched", batchedArgs);
        ClosedLoop metadata = ClosedLoop.metadataTo(batched.port(), "digits");
        ClosedLoop infer = ClosedLoop.to(batched.port(), requests)) {
      System.err.printf(
          "server: batched pid %d port %d (CPU %s); warming up%n",
          batched.pid(), batched.port(), digitsServer.serverCpu());
      warmUp(metadata, batched, nameA);
      warmUp(infer, batched, nameB);
      for (int r = 1; r <= rounds; r++) {
        metadataRounds.add(measure(metadata, concurrency, round, batched, nameA));
        inferRounds.add(measure(infer, concurrency, round, batched, nameB));
        progressRound(r, metadataRounds.get(r - 1), inferRounds.get(r - 1));
      }
      batchedLog = batched.stop(Duration.ofMinutes(1));
    }
    suite.print(
        report(started, load, metadataRounds, inferRounds, batchSizes(batchedLog, version)));
    return 0;
  }

  /** The quick mode's exit code: 0 when the median ratio reaches {@link #minRatio}, else 1. */
  /** Says on standard error what round {@code r} measured, the first server's then the second's. */
  private void progressRound(int r, Round a, Round b) {
    System.err.printf(
        "round %d: %s %.0f calls/s, %s %.0f calls/s%n",
        r, nameA, a.callsPerSecond(), nameB, b.callsPerSecond());
  }

  private int verdict(List<Round> unbatched, List<Round> batched) {
    double ratio =
        median(batched, Round::callsPerSecond) / median(unbatched, Round::callsPerSecond);
    boolean passed = ratio >= minRatio;
    System.err.printf(
        Locale.ROOT,
        "batching-bench --quick: %s ÷ %s = %.2f× (floor %.2f×): %s%n",
        nameB,
        nameA,
        ratio,
        minRatio,
        passed ? "PASS" : "FAIL");
    return passed ? 0 : 1;
  }

  /** Rows per batch → batches, from the summary the batched server logs when it stops. */
  static SortedMap<Integer, Long> batchSizes(List<String> log, long version) {
    SortedMap<Integer, Long> sizes = new TreeMap<>();
    for (String line : log) {
      Matcher matcher = SUMMARY.matcher(line);
      if (matcher.find()
          && matcher.group(1).equals("digits")
          && Long.parseLong(matcher.group(2)) == version
          && !matcher.group(3).isBlank()) {
        for (String entry : matcher.group(3).split(", ")) {
          String[] pair = entry.split("=");
          sizes.put(Integer.parseInt(pair[0]), Long.parseLong(pair[1]));
        }
      }
    }
    return sizes;
  }

  private String report(
      String started,
      String load,
      List<Round> unbatched,
      List<Round> batched,
      SortedMap<Integer, Long> sizes)
      throws IOException, InterruptedException {
    long ticks = ProcStat.TICKS_PER_SECOND;
    StringBuilder text = new StringBuilder();
    if (inferVsMetadata) {
      line(
          text,
          "## One batched server: digits v%d ModelInfer vs ModelMetadata, %d calls in flight",
          version,
          concurrency);
    } else if (monitoringOffVsOn) {
      line(
          text,
          "## Input monitoring, batched: digits v%d, %d calls in flight, monitoring off vs on",
          version,
          concurrency);
    } else if (telemetryOffVs != null) {
      line(
          text,
          "## Telemetry overhead, batched model server: digits v%d, %d calls in flight, %s vs %s",
          version,
          concurrency,
          nameA,
          nameB);
    } else if (!settings.isEmpty()) {
      line(
          text,
          "## Two batched servers: digits v%d, %d calls in flight, %s vs %s",
          version,
          concurrency,
          nameA,
          nameB);
    } else {
      line(text, "## Dynamic batching: digits v%d, %d calls in flight", version, concurrency);
    }
    line(text, "");
    line(text, "- started: %s; load average before the run: %s", started, load);
    line(text, "- machine: %d CPUs (nproc), %s", Suite.processors(), Suite.cpuModel());
    line(
        text,
        "- %s on CPU %s (`taskset`), load generator on its own CPU; default worker threads",
        inferVsMetadata ? "the batched server" : "both servers",
        digitsServer.serverCpu());
    line(
        text,
        "- warm-up per side (discarded) at least %s and until its JIT compilers are quiet (at most"
            + " %s), then %d rounds of %s alternating %s, %s",
        warmup,
        warmupMax,
        rounds,
        round,
        nameA,
        nameB);
    for (ServerSetting setting : settings) {
      line(text, "- %s: batched, config `%s`", setting.name(), setting.yaml());
    }
    for (String note : notes) {
      line(text, "- %s", note);
    }
    for (String warmupLine : warmups) {
      line(text, "- %s", warmupLine);
    }
    if (!settings.isEmpty()) {
      line(
          text,
          "- server CPU over the cycle: the server's CPU from the start of its round to the end of"
              + " the other's (work it defers, such as exports, included), per call of its round");
    }
    line(text, "");
    line(
        text,
        "| server | round | calls/s | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | server CPU µs/call"
            + " | server CPU µs/call over the cycle | load-generator CPU µs/call (share of its CPU)"
            + " | busy %% per core (cpu0/cpu1/…) | failed |");
    line(text, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (List<Round> rounds : List.of(unbatched, batched)) {
      for (int r = 0; r < rounds.size(); r++) {
        Round round = rounds.get(r);
        line(
            text,
            "| %s | %d | %.0f | %d | %d | %d | %d | %d | %.1f | %s | %.1f (%.0f%%) | %s | %d%s |",
            round.server(),
            r + 1,
            round.callsPerSecond(),
            round.latencyMicros().getValueAtPercentile(50),
            round.latencyMicros().getValueAtPercentile(90),
            round.latencyMicros().getValueAtPercentile(99),
            round.latencyMicros().getValueAtPercentile(99.9),
            round.latencyMicros().getMaxValue(),
            round.cpuMicrosPerCall(ticks),
            round.cycleCpuTicks() < 0
                ? "–"
                : String.format(Locale.ROOT, "%.1f", round.cycleCpuMicrosPerCall(ticks)),
            round.loadCpuMicrosPerCall(ticks),
            100 * round.loadCpuShare(ticks),
            round.coreBusy(),
            round.failed(),
            round.firstFailure() == null ? "" : " (" + round.firstFailure() + ")");
      }
    }
    line(text, "");
    double[] ratios = new double[unbatched.size()];
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = batched.get(r).callsPerSecond() / unbatched.get(r).callsPerSecond();
    }
    Arrays.sort(ratios);
    line(text, "| median over rounds | %s | %s | %s ÷ %s |", nameA, nameB, nameB, nameA);
    line(text, "|---|---:|---:|---:|");
    double unbatchedRate = median(unbatched, Round::callsPerSecond);
    double batchedRate = median(batched, Round::callsPerSecond);
    line(
        text,
        "| calls/s | %.0f | %.0f | **%.2f×** (per-round ratios %.2f–%.2f) |",
        unbatchedRate,
        batchedRate,
        batchedRate / unbatchedRate,
        ratios[0],
        ratios[ratios.length - 1]);
    for (double percentile : new double[] {50, 99}) {
      double a = median(unbatched, round -> round.latencyMicros().getValueAtPercentile(percentile));
      double b = median(batched, round -> round.latencyMicros().getValueAtPercentile(percentile));
      line(text, "| p%.0f µs | %.0f | %.0f | %.2f× |", percentile, a, b, b / a);
    }
    double cpuA = median(unbatched, round -> round.cpuMicrosPerCall(ticks));
    double cpuB = median(batched, round -> round.cpuMicrosPerCall(ticks));
    line(text, "| server CPU µs/call | %.1f | %.1f | %.2f× |", cpuA, cpuB, cpuB / cpuA);
    if (!settings.isEmpty()) {
      double cycleA = median(unbatched, round -> round.cycleCpuMicrosPerCall(ticks));
      double cycleB = median(batched, round -> round.cycleCpuMicrosPerCall(ticks));
      line(
          text,
          "| server CPU µs/call over the cycle | %.1f | %.1f | %.2f× |",
          cycleA,
          cycleB,
          cycleB / cycleA);
    }
    line(text, "");
    batchSizeTable(text, sizes);
    return text.toString();
  }

  /** Batches by size, bucketed in powers of two, over the batched server's whole life. */
  private void batchSizeTable(StringBuilder text, SortedMap<Integer, Long> sizes) {
    long batches = 0;
    long rows = 0;
    for (Map.Entry<Integer, Long> size : sizes.entrySet()) {
      batches += size.getValue();
      rows += size.getKey() * size.getValue();
    }
    line(
        text,
        "Batch sizes of the batched server over its whole run (warm-up included): %d batches, %d"
            + " rows, %.1f rows per batch on average.",
        batches,
        rows,
        batches == 0 ? 0.0 : (double) rows / batches);
    line(text, "");
    line(text, "| rows per batch | batches | share of batches | share of rows |");
    line(text, "|---|---:|---:|---:|");
    int low = 1;
    int largest = sizes.isEmpty() ? 1 : sizes.lastKey();
    while (low <= largest) {
      int high = low * 2 - 1;
      long bucketBatches = 0;
      long bucketRows = 0;
      for (Map.Entry<Integer, Long> size : sizes.entrySet()) {
        if (size.getKey() >= low && size.getKey() <= high) {
          bucketBatches += size.getValue();
          bucketRows += size.getKey() * size.getValue();
        }
      }
      line(
          text,
          "| %s | %d | %.1f%% | %.1f%% |",
          low == high ? Integer.toString(low) : low + "–" + high,
          bucketBatches,
          batches == 0 ? 0.0 : 100.0 * bucketBatches / batches,
          rows == 0 ? 0.0 : 100.0 * bucketRows / rows);
      low *= 2;
    }
    line(text, "");
    line(text, "Exact counts (rows=batches): %s", sizes);
  }

  private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
    return Spread.of(rounds.stream().mapToDouble(f).toArray()).median();
  }

  private ChildProcess server(ServerSetting setting, OtlpSink sink)
      throws IOException, InterruptedException {
    return server(
        setting.fileName(), setting.serverArgs(logDir, sink == null ? null : sink.endpoint()));
  }

  private ChildProcess server(String name, List<String> serverArgs)
      throws IOException, InterruptedException {
    return ModelServers.start(
        name,
        digitsServer.serverCpu(),
        serverJvmArgs.forServer(name),
        digitsServer.models(),
        serverArgs,
        logDir.resolve(name + ".log"));
  }

  /**
   * {@code concurrency} calls in flight in 5 s runs, discarded: for at least {@code warmup}, then
   * until the server's JIT compilers used under {@link JitCpu#QUIET_SHARE} of a core in two runs in
   * a row, for at most {@code warmupMax}. A fixed warm-up is too short on a slow machine and two
   * runs agreeing on a rate is no sign (a JVM starved by its own compiler agrees at a third of its
   * rate). Each run's rate and compilers' share go to the report.
   */
  private void warmUp(ClosedLoop load, ChildProcess server, String name)
      throws IOException, InterruptedException {
    List<String> runs = new ArrayList<>();
    int quietRuns = 0;
    long started = System.nanoTime();
    while (true) {
      long jitBefore = server.jitCpuTicks();
      Round run = measure(load, concurrency, WARMUP_RUN, server, name);
      double jit = JitCpu.share(server.jitCpuTicks() - jitBefore, run.elapsedNanos());
      runs.add(String.format("%,.0f (JIT %.0f %%)", run.callsPerSecond(), 100 * jit));
      quietRuns = jit < JitCpu.QUIET_SHARE ? quietRuns + 1 : 0;
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      if (elapsed.compareTo(warmupMax) >= 0 || (elapsed.compareTo(warmup) >= 0 && quietRuns >= 2)) {
        break;
      }
    }
    String line =
        "warm-up "
            + name
            + ", calls/s in each 5 s run (its JIT compilers' share of a core): "
            + String.join(", ", runs);
    System.err.println(line);
    warmups.add(line);
  }

  /**
   * Keeps {@code concurrency} calls in flight for {@code duration}; counts, latencies and CPU are
   * taken at the end of that window, before the calls still in flight drain.
   */
  static Round measure(ClosedLoop load, int concurrency, Duration duration, ChildProcess server)
      throws IOException, InterruptedException {
    return measure(load, concurrency, duration, server, server.name());
  }

  /** As {@link #measure(ClosedLoop, int, Duration, ChildProcess)}, the round named {@code name}. */
  static Round measure(
      ClosedLoop load, int concurrency, Duration duration, ChildProcess server, String name)
      throws IOException, InterruptedException {
    load.latencySinceLastAsked();
    long callsBefore = load.calls();
    long failedBefore = load.failedCalls();
    long cpuBefore = server.cpuTicks();
    ProcStat loadCpuBefore = ProcStat.self();
    List<CoreTimes.Core> coresBefore = CoreTimes.read();
    long started = System.nanoTime();
    load.start(concurrency);
    Thread.sleep(duration.toMillis());
    long calls = load.calls() - callsBefore;
    long elapsed = System.nanoTime() - started;
    long cpuTicks = server.cpuTicks() - cpuBefore;
    long loadCpuTicks = ProcStat.self().cpuTicks() - loadCpuBefore.cpuTicks();
    String coreBusy = CoreTimes.busyPercent(coresBefore, CoreTimes.read());
    Histogram histogram = load.latencySinceLastAsked();
    if (!load.stop(Duration.ofMinutes(1))) {
      throw new IllegalStateException("calls still in flight 60 s after the round");
    }
    return new Round(
        name,
        calls,
        elapsed,
        histogram,
        cpuTicks,
        -1,
        loadCpuTicks,
        coreBusy,
        load.failedCalls() - failedBefore,
        load.firstFailure());
  }

  /**
   * What one server did in one measured window.
   *
   * @param cycleCpuTicks the server's CPU over its round and the other server's that followed; -1
   *     when not measured (one server)
   * @param coreBusy busy percent of each core over the round, from {@code /proc/stat}
   */
  record Round(
      String server,
      long calls,
      long elapsedNanos,
      Histogram latencyMicros,
      long cpuTicks,
      long cycleCpuTicks,
      long loadCpuTicks,
      String coreBusy,
      long failed,
      String firstFailure) {

    Round withCycleCpuTicks(long ticks) {
      return new Round(
          server,
          calls,
          elapsedNanos,
          latencyMicros,
          cpuTicks,
          ticks,
          loadCpuTicks,
          coreBusy,
          failed,
          firstFailure);
    }

    /** Server CPU over the cycle, per call of its own round, in microseconds. */
    double cycleCpuMicrosPerCall(long ticksPerSecond) {
      return calls == 0 ? Double.NaN : cycleCpuTicks * 1e6 / ticksPerSecond / calls;
    }

    double callsPerSecond() {
      return calls * 1e9 / elapsedNanos;
    }

    /** Server CPU (user + system, all threads) per call, in microseconds. */
    double cpuMicrosPerCall(long ticksPerSecond) {
      return calls == 0 ? Double.NaN : cpuTicks * 1e6 / ticksPerSecond / calls;
    }

    /**
     * This load generator's CPU per call, in microseconds: near 1 core's worth, it is the limit.
     */
    double loadCpuMicrosPerCall(long ticksPerSecond) {
      return calls == 0 ? Double.NaN : loadCpuTicks * 1e6 / ticksPerSecond / calls;
    }

    /** The share of one CPU the load generator used. */
    double loadCpuShare(long ticksPerSecond) {
      return loadCpuTicks * 1e9 / ticksPerSecond / elapsedNanos;
    }
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
