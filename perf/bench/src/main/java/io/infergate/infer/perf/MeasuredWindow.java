package io.infergate.infer.perf;

import io.infergate.infer.perf.kit.ContextSwitches;
import io.infergate.infer.perf.kit.ProcStat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

/**
 * How both sides of {@link ModelServerBenchmark} measure a load that is already running: {@code
 * --warmup-seconds} run and discarded, then {@code --seconds} measured, with the CPU time and
 * context switches of the process doing the model work over exactly the measured part. {@link
 * SessionRunLoop} (side A) takes it as flags ({@code @Mixin MeasuredWindow window;}); the benchmark
 * hands A's window on as those flags and measures its gRPC rounds (B) with one of its own.
 */
final class MeasuredWindow {
  @Option(
      names = "--warmup-seconds",
      defaultValue = "5",
      description = "seconds run and discarded first (default: 5)")
  private double warmupSeconds;

  @Option(names = "--seconds", defaultValue = "10", description = "measured seconds (default: 10)")
  private double seconds;

  /** The flags' values, which picocli sets. */
  MeasuredWindow() {}

  MeasuredWindow(double warmupSeconds, double seconds) {
    this.warmupSeconds = warmupSeconds;
    this.seconds = seconds;
  }

  /** Both lengths together, to bound how long a process measuring this window may take. */
  double totalSeconds() {
    return warmupSeconds + seconds;
  }

  /** The flags as {@link SessionRunLoop} takes them on its command line. */
  List<String> asArguments() {
    return List.of(
        "--warmup-seconds", Double.toString(warmupSeconds), "--seconds", Double.toString(seconds));
  }

  /** Lets the load run through the warm-up, then drops what {@code latencies} recorded in it. */
  void warmUp(Supplier<Histogram> latencies) throws InterruptedException {
    sleepSeconds(warmupSeconds);
    latencies.get();
  }

  /**
   * Measures the window from now: the latencies {@code latencies} gives at its end (those recorded
   * since it was last asked), and process {@code pid}'s CPU time and context switches over it.
   */
  Measurement measure(Supplier<Histogram> latencies, long pid) throws InterruptedException {
    ProcStat cpuBefore = ProcStat.read(pid);
    long switchesBefore = ContextSwitches.of(pid);
    long start = System.nanoTime();
    sleepSeconds(seconds);
    Histogram window = latencies.get();
    long windowNanos = System.nanoTime() - start;
    ProcStat cpuAfter = ProcStat.read(pid);
    long switches = ContextSwitches.of(pid) - switchesBefore;
    return Measurement.of(window, windowNanos, cpuAfter.secondsSince(cpuBefore), switches);
  }

  private static void sleepSeconds(double seconds) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
  }
}
