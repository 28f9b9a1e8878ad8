package io.infergate.infer.perf;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ClosedLoop;
import io.infergate.infer.perf.kit.Machine;
import io.infergate.infer.perf.kit.ProcStat;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import io.infergate.infer.proto.oip.v2.InferTensorContents;
import io.infergate.infer.proto.oip.v2.ModelInferRequest;
import io.infergate.infer.proto.oip.v2.ModelInferRequest.InferInputTensor;
import io.infergate.infer.proto.oip.v2.ModelInferResponse;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Model server ModelInfer throughput against an in-process TF Java {@code Session.run} loop on the
 * same model, in the same run, as a ratio.
 *
 * <p>For each concurrency it alternates rounds: A runs {@link SessionRunLoop} as a child process
 * with that many threads; B drives the model server (a child process started once and warmed up)
 * with that many ModelInfer calls in flight from this process. A and B each get core 0 and nothing
 * else for the model work; this process, the load generator, is meant to run on core 1 ({@code
 * perf/bin/model-server-bench} pins it). CPU per call is read from {@code /proc/<pid>/stat} of the
 * process doing the model work: the loop process in A, the server process in B.
 *
 * <p>Prints progress to stderr and, at the end, the results as markdown to stdout.
 */
@Command(
    name = "model-server-bench",
    sortOptions = false,
    description =
        "Model server ModelInfer throughput vs an in-process Session.run loop on the same model"
            + " (digits, batch 1), alternating rounds; prints a markdown table.")
public final class ModelServerBenchmark implements Callable<Integer> {
  /** The foundation issue's bar for B/A at one call in flight. */
  static final double TARGET_RATIO_AT_ONE = 0.5;

  private static final int SERVER_CPU = 0;

  @Option(
      names = "--models",
      defaultValue = "${sys:perf.target:-target}/bench-models",
      description =
          "model repository; digits is trained into it if absent (default: ${DEFAULT-VALUE})")
  Path models;

  @Mixin DigitsSample sample;

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "1,16",
      description = "Session.run threads (A) and calls in flight (B) (default: 1,16)")
  int[] concurrencies;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "A/B rounds per concurrency (default: 3)")
  int rounds;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "measured seconds per round, for A and for B (default: 10)")
  double seconds;

  @Option(
      names = "--server-warmup-seconds",
      defaultValue = "10",
      description = "ModelInfer load sent once, discarded, before the first round (default: 10)")
  double serverWarmupSeconds;

  @Option(
      names = "--loop-warmup-seconds",
      defaultValue = "5",
      description =
          "each A process runs this long, discarded, before measuring: a fresh JVM and session"
              + " (default: 5)")
  double loopWarmupSeconds;

  @Option(
      names = "--grpc-warmup-seconds",
      defaultValue = "2",
      description =
          "each B round runs this long, discarded, before measuring: the server is warm already,"
              + " this settles the new concurrency (default: 2)")
  double grpcWarmupSeconds;

  @Option(
      names = "--encoding",
      defaultValue = "raw",
      description = "ModelInfer input encoding: raw (raw_input_contents) or typed (default: raw)")
  Encoding encoding;

  @Option(
      names = "--worker-threads",
      defaultValue = "16",
      description = "model server --worker-threads (default: 16)")
  int workerThreads;

  @Option(
      names = "--jvm-arg",
      description = "extra JVM option for both child processes (server and loop); repeatable")
  List<String> jvmArgs = new ArrayList<>();

  @Mixin ServerJvmArgs serverJvmArgs;

  @Option(
      names = "--logs",
      defaultValue = "${sys:perf.target:-target}/bench-logs",
      description = "where the child processes' output goes (default: ${DEFAULT-VALUE})")
  Path logs;

  @Mixin Suite suite;

  private String[] args = new String[0];

  public static void main(String[] args) {
    ModelServerBenchmark benchmark = new ModelServerBenchmark();
    benchmark.args = args.clone();
    System.exit(new CommandLine(benchmark).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Machine machine = Machine.current();
    ZonedDateTime started = ZonedDateTime.now();
    String loadAtStart = Machine.loadAverage();
    if (!machine.canPin()) {
      progress(
          "NOTE: not pinning (taskset %s, %d CPUs online): A, B and the load generator share"
              + " cores, so the ratio is not comparable with pinned runs",
          machine.taskset() ? "found" : "missing", machine.onlineCpus());
    }
    Files.createDirectories(logs);
    progress("ensuring digits models in %s", models);
    DigitsTrainer.ensureExported(models);
    float[] pixels = sample.pixels();
    ModelInferRequest request = request(pixels);

    List<Round> results = new ArrayList<>();
    Path serverLog = logs.resolve("model-server.log");
    try (ChildProcess server = startServer(machine, serverLog)) {
      progress("model server pid %d on port %d (log: %s)", server.pid(), server.port(), serverLog);
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port())
              .usePlaintext()
              .directExecutor()
              .build();
      try (ClosedLoop load = ClosedLoop.to(server.port(), request)) {
        checkAnswer(channel, request);
        int warmupConcurrency = Arrays.stream(concurrencies).max().orElse(1);
        progress(
            "warming up the server: %.0f s at %d in flight",
            serverWarmupSeconds, warmupConcurrency);
        // JIT, TF graph and connection warm-up: the whole run is the window, and it is discarded.
        runGrpc(load, warmupConcurrency, new MeasuredWindow(0, serverWarmupSeconds), server.pid());
        MeasuredWindow grpcRound = new MeasuredWindow(grpcWarmupSeconds, seconds);
        for (int concurrency : concurrencies) {
          for (int round = 1; round <= rounds; round++) {
            ProcStat serverBeforeA = ProcStat.read(server.pid());
            Measurement a = runSessionLoop(machine, concurrency);
            double idleServerCpu = ProcStat.read(server.pid()).secondsSince(serverBeforeA);
            GrpcRun b = runGrpc(load, concurrency, grpcRound, server.pid());
            Round result = new Round(concurrency, a, b.server(), b.loadCpuSeconds(), idleServerCpu);
            results.add(result);
            progress(
                "in-flight %d round %d/%d: A %.0f calls/s, B %.0f calls/s, B/A %.2f",
                concurrency,
                round,
                rounds,
                a.throughput(),
                b.server().throughput(),
                result.ratio());
          }
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    String report = report(machine, started, loadAtStart, results);
    suite.print(report);
    return 0;
  }

  private ChildProcess startServer(Machine machine, Path log)
      throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(jvmArgs);
    options.addAll(serverJvmArgs.forServer("model-server"));
    progress("starting the model server (log: %s)", log);
    return ModelServers.start(
        "model-server",
        machine.canPin() ? Integer.toString(SERVER_CPU) : "",
        options,
        models,
        List.of("--worker-threads", Integer.toString(workerThreads)),
        log);
  }

  /** A: a fresh SessionRunLoop process on the server's core, while the server idles. */
  private Measurement runSessionLoop(Machine machine, int threads)
      throws IOException, InterruptedException {
    MeasuredWindow window = new MeasuredWindow(loopWarmupSeconds, seconds);
    List<String> arguments =
        new ArrayList<>(
            List.of("--models", models.toString(), "--threads", Integer.toString(threads)));
    arguments.addAll(window.asArguments());
    arguments.addAll(sample.asArguments());
    List<String> command =
        machine.onCpu(SERVER_CPU, java(List.of(), SessionRunLoop.class.getName(), arguments));
    Path log = logs.resolve("session-run-loop.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(Redirect.appendTo(log.toFile()));
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), UTF_8);
    long limitSeconds = (long) window.totalSeconds() + 120;
    if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "session-run-loop ran past " + limitSeconds + " s; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "session-run-loop exited with " + process.exitValue() + "; see " + log);
    }
    String json =
        stdout
            .lines()
            .filter(line -> line.startsWith("{"))
            .reduce((first, second) -> second)
            .orElseThrow(
                () -> new IllegalStateException("session-run-loop printed no result: " + stdout));
    return Measurement.fromJson(json);
  }

  /**
   * B: closed-loop ModelInfer from this process. The server's CPU is read around the measured
   * window only, as is this process's (the load generator's).
   */
  private GrpcRun runGrpc(ClosedLoop load, int inFlight, MeasuredWindow window, long serverPid)
      throws InterruptedException {
    load.start(inFlight);
    Measurement server;
    double loadCpu;
    try {
      window.warmUp(load::latencySinceLastAsked);
      ProcStat loadBefore = ProcStat.self();
      server = window.measure(load::latencySinceLastAsked, serverPid);
      loadCpu = ProcStat.self().secondsSince(loadBefore);
    } finally {
      if (!load.stop(Duration.ofSeconds(30))) {
        progress("WARNING: ModelInfer calls still in flight 30 s after stopping");
      }
    }
    if (load.failedCalls() > 0) {
      throw new IllegalStateException(
          load.failedCalls() + " ModelInfer calls failed; first: " + load.firstFailure());
    }
    return new GrpcRun(server, loadCpu);
  }

  /** One blocking call first, so a wrong request fails loudly rather than as an error count. */
  private void checkAnswer(ManagedChannel channel, ModelInferRequest request) {
    ModelInferResponse response =
        GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .modelInfer(request);
    List<String> outputs =
        response.getOutputsList().stream()
            .map(ModelInferResponse.InferOutputTensor::getName)
            .toList();
    if (!outputs.containsAll(List.of("probs", "classes"))) {
      throw new IllegalStateException("ModelInfer answered outputs " + outputs);
    }
    progress(
        "ModelInfer digits v%d answers outputs %s (%s encoding)",
        sample.version(), outputs, encoding);
  }

  /** One held-out digit, batch 1, asking for every output (as the loop fetches both). */
  private ModelInferRequest request(float[] pixels) {
    InferInputTensor.Builder input =
        InferInputTensor.newBuilder()
            .setName("pixels")
            .setDatatype("FP32")
            .addShape(1)
            .addShape(pixels.length);
    ModelInferRequest.Builder request =
        ModelInferRequest.newBuilder()
            .setModelName(DigitsTrainer.MODEL_NAME)
            .setModelVersion(Integer.toString(sample.version()));
    if (encoding == Encoding.RAW) {
      ByteBuffer bytes =
          ByteBuffer.allocate(pixels.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float pixel : pixels) {
        bytes.putFloat(pixel);
      }
      request.addInputs(input).addRawInputContents(ByteString.copyFrom(bytes.flip()));
    } else {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (float pixel : pixels) {
        contents.addFp32Contents(pixel);
      }
      request.addInputs(input.setContents(contents));
    }
    return request.build();
  }

  private List<String> java(List<String> ownJvmArgs, String mainClass, List<String> arguments) {
    List<String> options = new ArrayList<>(jvmArgs);
    options.addAll(ownJvmArgs);
    return ChildProcess.java(options, System.getProperty("java.class.path"), mainClass, arguments);
  }

  private String report(
      Machine machine, ZonedDateTime started, String loadAtStart, List<Round> results) {
    String launcher = System.getProperty("perf.launcher", "java ... " + getClass().getName());
    String pinning =
        machine.canPin()
            ? "model server and Session.run loop: `taskset -c 0`; load generator (this process):"
                + " CPUs "
                + machine.ownCpus()
            : "none (taskset "
                + (machine.taskset() ? "found" : "missing")
                + ", "
                + machine.onlineCpus()
                + " CPUs online): all processes share all cores";
    return String.format(
            Locale.ROOT,
            "## Model server vs in-process Session.run (digits v%d, batch 1)%n%n"
                + "- date: %s%n"
                + "- command: `%s`%n"
                + "- machine: %d CPUs online, %s; JVM %s%n"
                + "- pinning: %s%n"
                + "- load average (1, 5, 15 min) of the shared machine: %s at the start, %s at"
                + " the end%n"
                + "- A: `SessionRunLoop`, N threads back to back on `Session.run` (tensor in,"
                + " both outputs copied out), a fresh process per round, %.0f s warm-up%n"
                + "- B: ModelInfer (%s FP32, one digit) with N calls in flight over one"
                + " HTTP/2 connection to the model server (`--worker-threads %d`), warmed up %.0f"
                + " s once and %.0f s per round%n"
                + "- %d rounds of A then B per N, %.0f s measured each; medians over rounds,"
                + " (min–max); B/A is the ratio of median throughputs (min–max of per-round"
                + " ratios); CPU per call is user+system time of the whole process doing the"
                + " model work%n%n",
            sample.version(),
            started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
            launcher + (args.length == 0 ? "" : " " + String.join(" ", args)),
            machine.onlineCpus(),
            machine.cpuModel(),
            machine.jvm(),
            pinning,
            loadAtStart,
            Machine.loadAverage(),
            loopWarmupSeconds,
            encoding.name().toLowerCase(Locale.ROOT),
            workerThreads,
            serverWarmupSeconds,
            grpcWarmupSeconds,
            rounds,
            seconds)
        + ResultTable.summary(results)
        + "\n"
        + ResultTable.verdict(results, 1, TARGET_RATIO_AT_ONE)
        + "\n\nEvery round:\n\n"
        + ResultTable.rounds(results);
  }

  private static void progress(String format, Object... arguments) {
    System.err.println("model-server-bench: " + String.format(Locale.ROOT, format, arguments));
  }

  /** How ModelInfer carries the pixels. */
  enum Encoding {
    /** {@code raw_input_contents}: little-endian bytes, answered with raw outputs. */
    RAW,
    /** {@code contents.fp32_contents}: typed values, answered with typed outputs. */
    TYPED
  }

  /** B's result: the server's window, and the load generator's CPU in it. */
  private record GrpcRun(Measurement server, double loadCpuSeconds) {}
}
