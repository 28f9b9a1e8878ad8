package io.infergate.infer.perf.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.grpc.Status;
import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.observability.Schedulers;
import io.infergate.infer.observability.config.DurationFlagConverter;
import io.infergate.infer.observability.config.Durations;
import io.infergate.infer.perf.DigitsCalls;
import io.infergate.infer.perf.DigitsServer;
import io.infergate.infer.perf.ModelServers;
import io.infergate.infer.perf.Suite;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ClosedLoop;
import io.infergate.infer.perf.kit.Machine;
import io.infergate.infer.perf.soak.ScratchRepository.Staged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The soak (issue 6, item 3): one model server, a closed loop of ModelInfer calls to {@code digits}
 * naming no version, and every {@code --swap-every} a new version published into its repository
 * (staged, then renamed into place) and the old one deleted once the new one answers. With the
 * version policy {@code latest: 1} each swap makes the server load and warm one version and drain
 * and unload another. Samples RSS, NMT, heap, threads and file descriptors throughout and reports
 * whether any of them grows, and whether any call failed.
 */
@Command(
    name = "soak",
    description =
        "Model server memory, threads and fds under load across model version swaps; exits 1 if"
            + " any call failed or a swap did not complete.")
public final class SoakBench implements Callable<Integer> {
  private static final String MODEL = DigitsTrainer.MODEL_NAME;

  @Mixin Suite suite;
  @Mixin DigitsServer digitsServer;

  @Option(names = "--minutes", description = "length of the load (default: 10)")
  double minutes = 10;

  @Option(names = "--concurrency", description = "calls in flight (default: ${DEFAULT-VALUE})")
  int concurrency = 16;

  @Option(names = "--swap-every", description = "time between version publishes (default: 20s)")
  Duration swapEvery = Duration.ofSeconds(20);

  @Option(
      names = "--swap-timeout",
      description =
          "how long a new version may take to answer before its swap counts as failed (default:"
              + " 60s)")
  Duration swapTimeout = Duration.ofSeconds(60);

  @Option(names = "--sample-every", description = "time between server samples (default: 5s)")
  Duration sampleEvery = Duration.ofSeconds(5);

  @Option(
      names = "--batching",
      arity = "1",
      description =
          "server batching on or off; on makes each swap create and close a batcher (default:"
              + " ${DEFAULT-VALUE})")
  boolean batching = true;

  @Option(names = "--deadline", description = "deadline of each call (default: 5s)")
  Duration deadline = Duration.ofSeconds(5);

  @Option(
      names = "--heap",
      description = "the server's fixed heap, -Xms and -Xmx (default: ${DEFAULT-VALUE})")
  String heap = "256m";

  @Option(
      names = "--work",
      description =
          "directory for the scratch repository, server config and log (default: a new temp"
              + " directory)")
  Path work;

  public static void main(String[] args) {
    // Every Duration flag in the one duration syntax (20s, 500ms), not ISO-8601.
    System.exit(
        new CommandLine(new SoakBench())
            .registerConverter(Duration.class, new DurationFlagConverter())
            .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0 || concurrency < 1 || swapEvery.isNegative() || swapEvery.isZero()) {
      System.err.println("soak: --minutes, --concurrency and --swap-every must be positive");
      return 2;
    }
    DigitsTrainer.ensureExported(digitsServer.models());
    Path workDir = work == null ? Files.createTempDirectory("soak-") : work;
    Files.createDirectories(workDir);
    Path trained = digitsServer.models().resolve(MODEL);
    ScratchRepository repository =
        ScratchRepository.create(
            workDir.resolve("repository"),
            MODEL,
            List.of(trained.resolve("1"), trained.resolve("2")));
    Path config = Files.writeString(workDir.resolve("model-server.yaml"), serverConfig(), UTF_8);
    Path log = workDir.resolve("model-server.log");
    Path jcmdCommands = JvmMemory.writeCommands(workDir.resolve("jcmd-commands.txt"));
    Path gcLog = workDir.resolve("model-server-gc.log");
    System.err.printf("soak: repository, config and server log in %s%n", workDir);

    String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    String loadBefore = Machine.loadAverage();
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    List<Swap> swaps = new ArrayList<>();
    Map<Status.Code, Long> callsByCode;
    Map<Status.Code, String> firstDescriptions = new EnumMap<>(Status.Code.class);
    SortedMap<Long, Long> answersByVersion;
    Versions versions = new Versions();
    AtomicInteger swapsDone = new AtomicInteger();
    try (ChildProcess server =
            ModelServers.start(
                "model-server",
                digitsServer.serverCpu(),
                serverJvmOptions(gcLog),
                repository.root(),
                List.of("--config", config.toString()),
                log);
        ClosedLoop load =
            ClosedLoop.to(server.port(), DigitsCalls.heldOut(""), deadline, versions)) {
      // The first jcmd attach starts the server's Attach Listener thread and socket for good; do
      // it before the first sample, or that sample alone would be one thread and one fd short.
      JvmMemory.read(server.pid(), jcmdCommands);
      long startNanos = System.nanoTime();
      ServerSampler sampler =
          new ServerSampler(server.pid(), jcmdCommands, gcLog, load, swapsDone::get, startNanos);
      load.start(concurrency);
      ScheduledExecutorService sampling = Schedulers.daemon("soak-sampler");
      sampling.scheduleAtFixedRate(
          () -> sample(sampler, samples), 0, sampleEvery.toNanos(), TimeUnit.NANOSECONDS);
      long endNanos = startNanos + (long) (minutes * 60e9);
      swap(repository, versions, startNanos, endNanos, swaps, swapsDone);
      sleepUntil(endNanos);
      sampling.shutdown();
      if (!sampling.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a sample took over 60 s");
      }
      samples.add(sampler.take());
      if (!load.stop(deadline.plusSeconds(10))) {
        System.err.println("soak: some calls were still in flight after their deadline");
      }
      callsByCode = load.callsByCode();
      for (Status.Code code : callsByCode.keySet()) {
        if (load.firstDescription(code) != null) {
          firstDescriptions.put(code, load.firstDescription(code));
        }
      }
      answersByVersion = versions.answersByVersion();
    }
    // Closing the server sent it SIGTERM and waited for it to exit: its log is complete.
    SoakReport report =
        new SoakReport(
            new SoakReport.Header(
                started,
                loadBefore,
                Machine.loadAverage(),
                machine(),
                serverDescription(),
                loadDescription(),
                Durations.format(swapEvery)),
            samples,
            swaps,
            callsByCode,
            firstDescriptions,
            answersByVersion,
            ServerLog.parse(Files.readAllLines(log, UTF_8)));
    String markdown = report.markdown();
    suite.print(markdown);
    return report.passed() ? 0 : 1;
  }

  /**
   * Publishes a version every {@code swapEvery} until the end, each as a release manager would:
   * copy into a hidden staging directory, rename into place, wait for the first answer from it,
   * then delete the older versions. Adds each to {@code swaps} and counts those that answered in
   * {@code swapsDone}, which the sampler reads meanwhile.
   */
  private void swap(
      ScratchRepository repository,
      Versions versions,
      long startNanos,
      long endNanos,
      List<Swap> swaps,
      AtomicInteger swapsDone)
      throws IOException, InterruptedException {
    for (long at = startNanos + swapEvery.toNanos(); at < endNanos; at += swapEvery.toNanos()) {
      sleepUntil(at);
      Staged staged = repository.stage();
      long published = System.nanoTime();
      repository.publish(staged);
      Long answered;
      try {
        answered =
            versions
                .firstAnswerNanos(staged.version())
                .get(swapTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        answered = null;
      }
      Duration publishedAt = Duration.ofNanos(published - startNanos);
      if (answered == null) {
        swaps.add(new Swap(staged.version(), publishedAt, null));
        System.err.printf(
            "soak: version %d (published at %d s) did not answer within %s%n",
            staged.version(), publishedAt.toSeconds(), Durations.format(swapTimeout));
        continue;
      }
      Duration time = Duration.ofNanos(answered - published);
      swaps.add(new Swap(staged.version(), publishedAt, time));
      swapsDone.incrementAndGet();
      repository.deleteOlderThan(staged.version());
      System.err.printf(
          "soak: %d s: version %d answering %d ms after its rename%n",
          publishedAt.toSeconds(), staged.version(), time.toMillis());
    }
  }

  private static void sample(ServerSampler sampler, List<Sample> samples) {
    try {
      Sample sample = sampler.take();
      samples.add(sample);
      System.err.printf(
          Locale.ROOT,
          "soak: %4d s  RSS %.1f MB (anon %.1f)  NMT %.1f MB  heap %.1f MB (after GC %.1f)"
              + "  threads %d  fds %d  swaps %d  calls %d  failed %d%n",
          sample.elapsed().toSeconds(),
          sample.rssMb(),
          sample.rssAnonMb(),
          sample.nmtCommittedMb(),
          sample.heapUsedMb(),
          sample.heapAfterGcMb(),
          sample.process().threads(),
          sample.fileDescriptors(),
          sample.swaps(),
          sample.calls(),
          sample.failedCalls());
    } catch (IOException | RuntimeException e) {
      // A thrown exception would silently cancel the schedule; say why and keep sampling.
      System.err.println("soak: sample failed: " + e);
      e.printStackTrace();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String serverConfig() {
    return "repository:\n  pollInterval: 500ms\nbatching:\n  enabled: " + batching + "\n";
  }

  /**
   * The heap is fixed and pre-touched ({@code -Xms = -Xmx}, {@code AlwaysPreTouch}), so its pages
   * are all resident from the start: heap growth cannot masquerade as an RSS leak. The GC log gives
   * the heap after each collection, which does show a heap leak.
   */
  private List<String> serverJvmOptions(Path gcLog) {
    return List.of(
        "-Xms" + heap,
        "-Xmx" + heap,
        "-XX:+AlwaysPreTouch",
        "-XX:NativeMemoryTracking=summary",
        "-Xlog:gc:file=" + gcLog);
  }

  private String machine() {
    Machine machine = Machine.current();
    return String.format(
        Locale.ROOT,
        "%d CPUs online, %s; %s",
        machine.onlineCpus(),
        machine.cpuModel(),
        machine.jvm());
  }

  private String serverDescription() {
    return String.format(
        Locale.ROOT,
        "model server on CPU %s (`taskset`), `-Xms%s -Xmx%s -XX:+AlwaysPreTouch"
            + " -XX:NativeMemoryTracking=summary -Xlog:gc`, batching %s, repository pollInterval 500ms,"
            + " `digits` with versionPolicy latest 1",
        digitsServer.serverCpu(),
        heap,
        heap,
        batching ? "on" : "off");
  }

  private String loadDescription() {
    return String.format(
        Locale.ROOT,
        "%d ModelInfer calls in flight (closed loop, one connection, one held-out digit each, no"
            + " version named), deadline %s; a new version every %s (staged, renamed into place,"
            + " old one deleted once the new one answers; contents alternate digits v1 and v2);"
            + " a sample every %s",
        concurrency,
        Durations.format(deadline),
        Durations.format(swapEvery),
        Durations.format(sampleEvery));
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
