package io.infergate.infer.perf.batching;

import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.perf.DigitsCalls;
import io.infergate.infer.perf.batching.ClosedLoop.Round;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
 */
@Command(
    name = "batching-bench",
    mixinStandardHelpOptions = true,
    description = "Batched vs unbatched model server throughput, p50/p99 and CPU per call.")
public final class BatchingBench implements Callable<Integer> {
  private static final Pattern SUMMARY =
      Pattern.compile("Batching summary for model (\\S+) version (\\d+): .* sizes=\\{(.*)}");

  @Option(names = "--models", description = "model repository; digits is trained into it if absent")
  Path models = Path.of("models");

  @Option(names = "--version", description = "digits version to serve (default: ${DEFAULT-VALUE})")
  long version = 2;

  @Option(names = "--concurrency", description = "calls in flight (default: ${DEFAULT-VALUE})")
  int concurrency = 64;

  @Option(
      names = "--warmup",
      description = "warm-up per server, discarded (default: ${DEFAULT-VALUE})")
  Duration warmup = Duration.ofSeconds(10);

  @Option(
      names = "--round",
      description = "length of one measured round (default: ${DEFAULT-VALUE})")
  Duration round = Duration.ofSeconds(5);

  @Option(
      names = "--rounds",
      description = "measured rounds per server (default: ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(
      names = "--server-cpu",
      description = "CPU list for both servers (default: ${DEFAULT-VALUE})")
  String serverCpu = "0";

  @Option(
      names = "--batched-config",
      description = "YAML config for the batched server (default: --batching, default settings)")
  Path batchedConfig;

  @Option(names = "--log-dir", description = "server logs (default: ${DEFAULT-VALUE})")
  Path logDir = Path.of("perf", "target", "batching-bench");

  @Option(names = "--out", description = "also write the markdown report here")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BatchingBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DigitsTrainer.ensureExported(models);
    ModelInferRequest[] requests = DigitsCalls.heldOut(Long.toString(version));
    List<String> batchedArgs =
        batchedConfig == null
            ? List.of("--batching")
            : List.of("--batching", "--config", batchedConfig.toString());
    String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    List<Round> unbatchedRounds = new ArrayList<>();
    List<Round> batchedRounds = new ArrayList<>();
    List<String> batchedLog;
    try (ServerProcess unbatched =
            ServerProcess.start("unbatched", serverCpu, models, logDir, List.of());
        ServerProcess batched =
            ServerProcess.start("batched", serverCpu, models, logDir, batchedArgs);
        ClosedLoop toUnbatched = new ClosedLoop(unbatched.port(), requests);
        ClosedLoop toBatched = new ClosedLoop(batched.port(), requests)) {
      System.err.printf(
          "servers: unbatched pid %d port %d, batched pid %d port %d (CPU %s); warming up%n",
          unbatched.pid(), unbatched.port(), batched.pid(), batched.port(), serverCpu);
      toUnbatched.run(concurrency, warmup, unbatched);
      toBatched.run(concurrency, warmup, batched);
      for (int r = 1; r <= rounds; r++) {
        unbatchedRounds.add(toUnbatched.run(concurrency, round, unbatched));
        batchedRounds.add(toBatched.run(concurrency, round, batched));
        System.err.printf(
            "round %d: unbatched %.0f calls/s, batched %.0f calls/s%n",
            r,
            unbatchedRounds.get(r - 1).callsPerSecond(),
            batchedRounds.get(r - 1).callsPerSecond());
      }
      unbatched.stop();
      batchedLog = batched.stop();
    }
    String report =
        report(started, load, unbatchedRounds, batchedRounds, batchSizes(batchedLog, version));
    System.out.print(report);
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
    return 0;
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
    long ticks = clockTicksPerSecond();
    StringBuilder text = new StringBuilder();
    line(text, "## Dynamic batching: digits v%d, %d calls in flight", version, concurrency);
    line(text, "");
    line(text, "- started: %s; load average before the run: %s", started, load);
    line(text, "- machine: %d CPUs (nproc), %s", processors(), cpuModel());
    line(
        text,
        "- servers on CPU %s (both, `taskset`), load generator on its own CPU; each server's"
            + " default worker threads",
        serverCpu);
    line(
        text,
        "- warm-up %s per server (discarded), then %d rounds of %s alternating unbatched, batched",
        warmup,
        rounds,
        round);
    line(text, "");
    line(
        text,
        "| server | round | calls/s | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | server CPU µs/call"
            + " | load-generator CPU µs/call (share of its CPU) | failed |");
    line(text, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (List<Round> rounds : List.of(unbatched, batched)) {
      for (int r = 0; r < rounds.size(); r++) {
        Round round = rounds.get(r);
        line(
            text,
            "| %s | %d | %.0f | %d | %d | %d | %d | %d | %.1f | %.1f (%.0f%%) | %d%s |",
            round.server(),
            r + 1,
            round.callsPerSecond(),
            round.latencyMicros().getValueAtPercentile(50),
            round.latencyMicros().getValueAtPercentile(90),
            round.latencyMicros().getValueAtPercentile(99),
            round.latencyMicros().getValueAtPercentile(99.9),
            round.latencyMicros().getMaxValue(),
            round.cpuMicrosPerCall(ticks),
            round.loadCpuMicrosPerCall(ticks),
            100 * round.loadCpuShare(ticks),
            round.failed(),
            round.firstFailure() == null ? "" : " (" + round.firstFailure().getCode() + ")");
      }
    }
    line(text, "");
    double[] ratios = new double[unbatched.size()];
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = batched.get(r).callsPerSecond() / unbatched.get(r).callsPerSecond();
    }
    Arrays.sort(ratios);
    line(text, "| median over rounds | unbatched | batched | batched ÷ unbatched |");
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
    double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static void line(StringBuilder text, String format, Object... args) {
    text.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  /** All CPUs of the machine (this JVM is pinned to one, so it cannot ask the runtime). */
  private static long processors() throws IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(line -> line.startsWith("processor"))
        .count();
  }

  private static String cpuModel() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown CPU";
  }

  private static long clockTicksPerSecond() throws IOException, InterruptedException {
    Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
    String ticks = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    getconf.waitFor();
    return Long.parseLong(ticks.trim());
  }
}
