package io.infergate.infer.perf.gateway;

import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ProcStat;
import io.infergate.infer.perf.kit.RawMethods;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs h2load (nghttp2), the neutral HTTP/2 load generator, closed loop: {@code clients}
 * connections with {@code streams} calls in flight on each, one thread, a fixed duration after a
 * warm-up, one pre-encoded gRPC body, and a per-request log for latencies.
 *
 * @param cpus the {@code taskset -c} list h2load runs on
 * @param body the file with the pre-encoded gRPC body every call sends
 * @param workDirectory where the per-request logs and outputs go
 * @param callTimeout the {@code grpc-timeout} header every call carries (such as {@code 20S}), or
 *     null for none
 */
record H2Load(String cpus, Path body, Path workDirectory, String callTimeout) {
  /** The {@code h2load --version} line. */
  static String version() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("h2load", "--version").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out.trim();
  }

  /** The command line for one run, as it is executed (and printed in the results). */
  List<String> command(
      String address, int clients, int streams, int warmupSeconds, int seconds, Path logFile) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "h2load",
            "-t",
            "1",
            "-c",
            Integer.toString(clients),
            "-m",
            Integer.toString(streams),
            "-D",
            Integer.toString(seconds)));
    if (warmupSeconds > 0) {
      command.add("--warm-up-time=" + warmupSeconds);
    }
    if (callTimeout != null) {
      command.addAll(List.of("-H", "grpc-timeout: " + callTimeout));
    }
    command.addAll(
        List.of(
            "-H",
            "content-type: application/grpc",
            "-H",
            "te: trailers",
            "-d",
            body.toString(),
            "--log-file",
            logFile.toString(),
            "http://" + address + "/" + RawMethods.MODEL_INFER.getFullMethodName()));
    return ChildProcess.pinned(cpus, command);
  }

  /**
   * Runs h2load and samples {@code cpuTicks} right after its warm-up and right after it exits; the
   * calls those ticks paid for are the calls completed between the two samples, from the log.
   */
  Run run(
      String address,
      int clients,
      int streams,
      int warmupSeconds,
      int seconds,
      List<ChildProcess> measured)
      throws IOException, InterruptedException {
    Path logFile = Files.createTempFile(workDirectory, "h2load-", ".log");
    Path outFile = Files.createTempFile(workDirectory, "h2load-", ".out");
    try {
      Process process =
          new ProcessBuilder(command(address, clients, streams, warmupSeconds, seconds, logFile))
              .redirectErrorStream(true)
              .redirectOutput(outFile.toFile())
              .start();
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds) + 300);
      long fromMicros = nowMicros();
      List<CoreTimes.Core> coresBefore = CoreTimes.read();
      long[] before = ticks(measured);
      boolean finished = process.waitFor(warmupSeconds + seconds + 60L, TimeUnit.SECONDS);
      long[] after = ticks(measured);
      List<CoreTimes.Core> coresAfter = CoreTimes.read();
      long toMicros = nowMicros();
      if (!finished) {
        process.destroyForcibly().waitFor();
        throw new IOException("h2load did not finish: " + Files.readString(outFile));
      }
      String out = Files.readString(outFile, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("h2load exited with " + process.exitValue() + ":\n" + out);
      }
      H2LoadLog log = H2LoadLog.read(logFile);
      long[] cpu = new long[measured.size()];
      for (int i = 0; i < cpu.length; i++) {
        cpu[i] = after[i] - before[i];
      }
      return new Run(
          H2LoadSummary.parse(out),
          log,
          log.completedBetween(fromMicros, toMicros),
          (toMicros - fromMicros) / 1e6,
          cpu,
          CoreTimes.busyPercent(coresBefore, coresAfter));
    } finally {
      Files.deleteIfExists(logFile);
      Files.deleteIfExists(outFile);
    }
  }

  private static long[] ticks(List<ChildProcess> processes) {
    long[] ticks = new long[processes.size()];
    for (int i = 0; i < ticks.length; i++) {
      ticks[i] = processes.get(i).cpuTicks();
    }
    return ticks;
  }

  static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  /**
   * One h2load run.
   *
   * @param summary h2load's own totals and rate
   * @param log the per-request log of the main duration
   * @param cpuWindowCalls calls completed while the CPU ticks were being counted
   * @param cpuWindowSeconds how long they were counted
   * @param cpuTicks CPU ticks of each measured process in that window
   * @param coresBusy busy percent of each core in that window, whoever used it, e.g. "98/95"
   */
  record Run(
      H2LoadSummary summary,
      H2LoadLog log,
      long cpuWindowCalls,
      double cpuWindowSeconds,
      long[] cpuTicks,
      String coresBusy) {
    /** CPU µs per call of measured process {@code i}. */
    double cpuMicrosPerCall(int i) {
      return cpuWindowCalls == 0
          ? Double.NaN
          : cpuTicks[i] * (1e6 / ProcStat.TICKS_PER_SECOND) / cpuWindowCalls;
    }

    /** Share of one core that measured process {@code i} used, in percent. */
    double corePercent(int i) {
      return 100.0 * cpuTicks[i] / ProcStat.TICKS_PER_SECOND / cpuWindowSeconds;
    }
  }
}
