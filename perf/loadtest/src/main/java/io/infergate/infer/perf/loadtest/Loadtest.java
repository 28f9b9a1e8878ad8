package io.infergate.infer.perf.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.TypeRegistry;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.observability.config.Durations;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One invocation: validate, resolve the method, connect, run (or search), report. */
final class Loadtest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Options o;
  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;
  private final List<String> debugLines = new ArrayList<>();

  // derived
  private long timeoutNanos;
  private long durationNanos;
  private long maxDurationNanos;
  private long connectTimeoutNanos;
  private long keepaliveNanos;
  private Schedule rate;
  private Schedule concurrency;
  private String dataJson;
  private byte[] binaryData;
  private String metadataJson;
  private Map<String, String> tags;
  private List<SloSearch.Objective> objectives = new ArrayList<>();

  Loadtest(Options options, PrintStream out, PrintStream err, InputStream stdin) {
    this.o = options;
    this.out = out;
    this.err = err;
    this.stdin = stdin;
  }

  /** Failure to run at all (as opposed to bad usage): exit code 1. */
  static final class RunFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailure(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  int execute(boolean signals) throws InterruptedException {
    validate();
    debug("validated options");
    Collection<FileDescriptor> files = null;
    if (notBlank(o.proto)) {
      files = Methods.link(Protoc.compile(Path.of(o.proto), o.importPaths).getFileList()).values();
    } else if (notBlank(o.protoset)) {
      files = Methods.link(Methods.readProtoset(Path.of(o.protoset)).getFileList()).values();
    }
    MethodDescriptor method = files == null ? null : Methods.find(files, o.call);
    EventLoopGroup group = null;
    H2Transport h2 = null;
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      if (o.cpus > 0) { // else grpc-java's shared event loops (two threads per core)
        int loops = (int) o.cpus;
        group = Epoll.isAvailable() ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
      }
      String[] hostPort = fastPathTarget();
      // With the HTTP/2 fast path one grpc-java channel remains, for reflection and as a check.
      int grpcChannels = hostPort != null ? 1 : (int) o.connections;
      for (int i = 0; i < grpcChannels; i++) {
        channels.add(channel(group));
      }
      connect(channels);
      debug("connected " + channels.size() + " channel(s)");
      if (method == null) {
        method = reflect(channels.get(0));
      }
      if (method.isClientStreaming() || method.isServerStreaming()) {
        throw new UsageException(
            "--call " + o.call + " is a streaming method; this harness calls unary methods");
      }
      Requests requests =
          Requests.create(
              method,
              registry(method),
              dataJson,
              binaryData,
              metadataJson,
              !o.disableTemplateFunctions,
              !o.disableTemplateData);
      CallOptions callOptions = CallOptions.DEFAULT;
      if (o.enableCompression) {
        callOptions = callOptions.withCompression("gzip");
      }
      if (notBlank(o.maxSendMessageSize)) {
        callOptions =
            callOptions.withMaxOutboundMessageSize(
                size(o.maxSendMessageSize, "--max-send-message-size"));
      }
      if (hostPort != null) {
        h2 =
            H2Transport.connect(
                hostPort[0],
                Integer.parseInt(hostPort[1]),
                notBlank(o.authority) ? o.authority : o.host.trim(),
                method.getService().getFullName() + "/" + method.getName(),
                timeoutNanos,
                o.variantHeader,
                (int) o.connections,
                (int) o.cpus,
                connectTimeoutNanos > 0 ? connectTimeoutNanos : TimeUnit.SECONDS.toNanos(10));
        debug("HTTP/2 fast path: " + o.connections + " connection(s)");
      }
      Target target =
          new Target(
              channels,
              h2,
              RawMarshaller.unary(
                  io.grpc.MethodDescriptor.generateFullMethodName(
                      method.getService().getFullName(), method.getName())),
              callOptions,
              timeoutNanos,
              requests,
              Metadata.Key.of(
                  o.variantHeader.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER));
      Report report = objectives.isEmpty() ? runOnce(target, signals) : searchSlo(target);
      if (report != null) { // null: already written on SIGINT
        write(report);
      }
      return 0;
    } finally {
      if (h2 != null) {
        h2.close();
      }
      for (ManagedChannel ch : channels) {
        ch.shutdownNow();
      }
      for (ManagedChannel ch : channels) {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      }
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
      flushDebug();
    }
  }

  private Report runOnce(Target target, boolean signals) throws InterruptedException {
    RunPlan plan =
        new RunPlan(
            o.openLoop,
            o.async,
            durationNanos > 0 ? Long.MAX_VALUE : o.total,
            durationNanos,
            maxDurationNanos,
            o.durationStop,
            rate,
            concurrency,
            (int) o.skipFirst);
    long warmupNanos = parseDuration(o.warmup, "--warmup");
    if (warmupNanos > 0) {
      debug("warm-up started");
      RunPlan warm =
          new RunPlan(
              plan.openLoop(),
              plan.async(),
              Long.MAX_VALUE,
              warmupNanos,
              0,
              "wait",
              plan.rate(),
              plan.concurrency(),
              0);
      new Runner(target, warm, () -> {}).run(null);
      debug("warm-up ended");
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
    debug("run started");
    try {
      long cpuBefore = ProcessCpu.nanos();
      runner.run(progress);
      long cpuNanos = ProcessCpu.nanos() - cpuBefore;
      clearProgress(progress);
      debug("run ended: " + runner.endReason() + ", " + runner.recorder().count + " calls");
      Report report = report(runner, plan);
      if (report.extras != null && cpuNanos > 0 && runner.recorder().count > 0) {
        report.extras.cpuPerCallNanos = cpuNanos / runner.recorder().count;
      }
      if (signals && runner.endReason().equals("cancel")) {
        // On SIGINT the JVM halts once the hook returns: write the report before releasing it.
        write(report);
        out.flush();
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
          debug("shutdown in progress");
        }
      }
    }
  }

  private Report searchSlo(Target target) throws InterruptedException {
    SloSearch search = new SloSearch(objectives, o.sloMinRps, o.sloMaxRps, o.sloPrecision);
    long probeNanos = parseDuration(o.sloProbeDuration, "--slo-probe-duration");
    Consumer<String> progress = progress();
    RunPlan base =
        new RunPlan(
            true,
            false,
            Long.MAX_VALUE,
            probeNanos,
            0,
            "close",
            null,
            concurrency,
            (int) o.skipFirst);
    search.search(
        rps -> {
          Runner r =
              new Runner(
                  target, base.withRate(Schedule.constant(Math.round(rps)), probeNanos), () -> {});
          r.run(progress);
          clearProgress(progress);
          return r;
        },
        line -> err.println("loadtest: " + line));
    Runner shown = search.best != null ? search.best : search.first;
    RunPlan plan =
        base.withRate(
            Schedule.constant(Math.round(search.bestRps > 0 ? search.bestRps : o.sloMinRps)),
            probeNanos);
    Report report = report(shown, plan);
    report.extras.slo = search.describe();
    report.extras.sloBestRps = search.bestRps;
    report.extras.sloProbes = search.probes;
    return report;
  }

  private Report report(Runner runner, RunPlan plan) {
    ReportOptions ro = reportOptions(plan);
    Recorder rec = runner.recorder();
    Report report;
    synchronized (rec) {
      report = new Report(ro, rec, runner.endReason(), runner.totalNanos(), tags);
    }
    boolean extra =
        parseDuration(o.warmup, "--warmup") > 0
            || plan.openLoop()
            || plan.async()
            || !rec.variants.isEmpty()
            || !objectives.isEmpty()
            || o.rps > 0
            || plan.rate() != null;
    if (extra) {
      Report.Extras x = new Report.Extras();
      x.rec = rec;
      x.mode =
          plan.openLoop()
              ? "open-loop"
              : plan.async() && plan.rate() != null ? "async" : "closed-loop";
      x.hasIntended = plan.openLoop();
      x.sent = rec.sent;
      double seconds = Math.max(1e-9, runner.totalNanos() / 1e9);
      x.achievedRps = rec.sent / seconds;
      x.requestedRps = requestedRps(plan.rate(), runner.totalNanos());
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
    if (rate.kind().equals("const")) {
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

  private ReportOptions reportOptions(RunPlan plan) {
    ReportOptions r = new ReportOptions();
    r.call = o.call == null ? null : o.call.trim();
    r.host = o.host;
    r.proto = o.proto;
    r.protoset = notBlank(o.proto) ? null : o.protoset;
    if (notBlank(o.proto)) {
      List<String> paths = new ArrayList<>();
      Path parent = Path.of(o.proto.trim()).getParent();
      if (parent != null && !parent.toString().equals(".")) {
        paths.add(parent.toString());
      }
      paths.add(".");
      o.importPaths.stream().filter(Loadtest::notBlank).forEach(paths::add);
      r.importPaths = paths;
    }
    r.enableCompression = o.enableCompression;
    r.cacert = o.cacert;
    r.cert = o.cert;
    r.key = o.key;
    r.cname = o.cname;
    r.skipTls = o.skipTls;
    r.insecure = o.insecure;
    r.authority = o.authority;
    r.rps = plan.rate() != null && plan.rate().kind().equals("const") ? plan.rate().start() : o.rps;
    r.loadSchedule = o.loadSchedule;
    r.loadStart = o.loadStart;
    r.loadEnd = o.loadEnd;
    r.loadStep = o.loadStep;
    r.loadStepDuration = parseDuration(o.loadStepDuration, "--load-step-duration");
    r.loadMaxDuration = parseDuration(o.loadMaxDuration, "--load-max-duration");
    r.concurrency = o.concurrency;
    r.concurrencySchedule = o.concurrencySchedule;
    r.concurrencyStart = o.concurrencyStart;
    r.concurrencyEnd = o.concurrencyEnd;
    r.concurrencyStep = o.concurrencyStep;
    r.concurrencyStepDuration =
        parseDuration(o.concurrencyStepDuration, "--concurrency-step-duration");
    r.concurrencyMaxDuration =
        parseDuration(o.concurrencyMaxDuration, "--concurrency-max-duration");
    r.total = plan.total() == Long.MAX_VALUE ? Integer.MAX_VALUE : plan.total();
    r.async = o.async;
    r.connections = o.connections;
    r.duration = plan.durationNanos();
    r.timeout = timeoutNanos;
    r.dialTimeout = connectTimeoutNanos;
    r.keepalive = keepaliveNanos;
    r.data = Report.parseOrNull(dataJson);
    r.binary = o.binary;
    r.metadata = metadataJson == null ? null : Requests.metadataMap(metadataJson);
    r.cpus = o.cpus > 0 ? o.cpus : Runtime.getRuntime().availableProcessors();
    r.name = o.name;
    r.skipFirst = o.skipFirst;
    r.countErrors = o.countErrors;
    return r;
  }

  // ---- validation ----

  private void validate() {
    List<String> conflicts = new ArrayList<>();
    if (!notBlank(o.host)) {
      throw new UsageException("the target host:port is required (the last argument, as in ghz)");
    }
    Methods.split(o.call);
    if (notBlank(o.proto) && !o.proto.trim().endsWith(".proto")) {
      throw new UsageException("--proto " + o.proto + ": must have .proto extension");
    }
    if (notBlank(o.proto) && !Files.isRegularFile(Path.of(o.proto.trim()))) {
      throw new UsageException("--proto " + o.proto + ": no such file");
    }
    if (!notBlank(o.proto)
        && notBlank(o.protoset)
        && !Files.isRegularFile(Path.of(o.protoset.trim()))) {
      throw new UsageException("--protoset " + o.protoset + ": no such file");
    }
    List<String> sources = new ArrayList<>();
    if (o.data != null) {
      sources.add("--data");
    }
    if (notBlank(o.dataFile)) {
      sources.add("--data-file");
    }
    if (o.binary) {
      sources.add("--binary");
    }
    if (notBlank(o.binaryFile)) {
      sources.add("--binary-file");
    }
    if (sources.size() > 1) {
      conflicts.add(String.join(" and ", sources) + " both give the call data (use one)");
    }
    if (o.metadata != null && notBlank(o.metadataFile)) {
      conflicts.add("--metadata and --metadata-file both give the metadata (use one)");
    }
    if (notBlank(o.cert) != notBlank(o.key)) {
      conflicts.add("--cert and --key go together");
    }
    if (o.insecure && (notBlank(o.cacert) || notBlank(o.cert) || o.skipTls)) {
      conflicts.add("--insecure (plaintext) with TLS flags (--cacert/--cert/--key/--skipTLS)");
    }
    if (!Printers.FORMATS.contains(o.format)) {
      throw new UsageException(
          "--format "
              + o.format
              + ": unknown (expected one of "
              + String.join(", ", Printers.FORMATS)
              + ")");
    }
    oneOf("--load-schedule", o.loadSchedule, "const", "step", "line");
    oneOf("--concurrency-schedule", o.concurrencySchedule, "const", "step", "line");
    oneOf("--duration-stop", o.durationStop, "close", "wait", "ignore");
    oneOf("--transport", o.transport, "auto", "h2", "grpc-java");
    if (o.streamInterval != null
        || o.streamCallDuration != null
        || o.streamCallCount != null
        || o.streamDynamicMessages) {
      throw new UsageException("--stream-* flags: this harness calls unary methods only");
    }
    timeoutNanos = parseDuration(o.timeout, "--timeout");
    durationNanos = parseDuration(o.duration, "--duration");
    maxDurationNanos = parseDuration(o.maxDuration, "--max-duration");
    connectTimeoutNanos = parseDuration(o.connectTimeout, "--connect-timeout");
    keepaliveNanos = parseDuration(o.keepalive, "--keepalive");
    nonNegative("--rps", o.rps);
    nonNegative("--load-start", o.loadStart);
    nonNegative("--load-end", o.loadEnd);
    nonNegative("--skipFirst", o.skipFirst);
    nonNegative("--cpus", o.cpus);
    if (o.connections < 1) {
      throw new UsageException("--connections " + o.connections + " (expected: >= 1)");
    }
    if (durationNanos == 0 && o.total < 1) {
      throw new UsageException("--total " + o.total + " (expected: >= 1, or give --duration)");
    }
    // rate schedule
    if (o.loadSchedule.equals("const")) {
      rate = o.rps > 0 ? Schedule.constant(o.rps) : null;
    } else {
      if (o.rps > 0) {
        conflicts.add(
            "--rps is for the const schedule; --load-schedule "
                + o.loadSchedule
                + " uses --load-start/--load-step/--load-end");
      }
      if (o.loadStep == 0) {
        throw new UsageException("--load-schedule " + o.loadSchedule + " needs --load-step != 0");
      }
      long stepNanos = parseDuration(o.loadStepDuration, "--load-step-duration");
      if (o.loadSchedule.equals("step") && stepNanos <= 0) {
        throw new UsageException("--load-schedule step needs --load-step-duration > 0");
      }
      if (o.loadStart == 0 && o.loadStep < 0) {
        throw new UsageException("--load-start 0 with a negative --load-step never sends");
      }
      rate =
          new Schedule(
              o.loadSchedule,
              o.loadStart,
              o.loadEnd,
              o.loadStep,
              stepNanos,
              parseDuration(o.loadMaxDuration, "--load-max-duration"));
    }
    // concurrency schedule
    if (o.concurrencySchedule.equals("const")) {
      if (o.concurrency < 1) {
        throw new UsageException("--concurrency " + o.concurrency + " (expected: >= 1)");
      }
      if (o.connections > o.concurrency) {
        conflicts.add(
            "--connections "
                + o.connections
                + " exceeds --concurrency "
                + o.concurrency
                + " (each worker uses one connection)");
      }
      concurrency = Schedule.constant(o.concurrency);
    } else {
      if (o.concurrencyStep == 0) {
        throw new UsageException(
            "--concurrency-schedule " + o.concurrencySchedule + " needs --concurrency-step != 0");
      }
      long stepNanos = parseDuration(o.concurrencyStepDuration, "--concurrency-step-duration");
      if (o.concurrencySchedule.equals("step") && stepNanos <= 0) {
        throw new UsageException(
            "--concurrency-schedule step needs --concurrency-step-duration > 0");
      }
      concurrency =
          new Schedule(
              o.concurrencySchedule,
              o.concurrencyStart,
              o.concurrencyEnd,
              o.concurrencyStep,
              stepNanos,
              parseDuration(o.concurrencyMaxDuration, "--concurrency-max-duration"));
    }
    // the harness's own
    if (o.openLoop && rate == null && o.slo.isEmpty()) {
      throw new UsageException("--open-loop needs a rate: --rps N or --load-schedule step|line");
    }
    if (o.openLoop && o.async) {
      conflicts.add("--open-loop and --async (open loop already sends without waiting)");
    }
    if (o.openLoop && !o.concurrencySchedule.equals("const")) {
      conflicts.add(
          "--open-loop and --concurrency-schedule (open loop has no workers to schedule)");
    }
    for (String s : o.slo) {
      objectives.add(SloSearch.Objective.parse(s));
    }
    if (!objectives.isEmpty()) {
      if (rate != null) {
        conflicts.add("--slo picks the rate itself; drop --rps/--load-schedule");
      }
      if (o.sloMinRps < 1 || o.sloMaxRps < o.sloMinRps) {
        throw new UsageException("--slo-min-rps/--slo-max-rps: expected 1 <= min <= max");
      }
      if (o.sloPrecision <= 0 || o.sloPrecision >= 1) {
        throw new UsageException("--slo-precision " + o.sloPrecision + " (expected: in (0, 1))");
      }
      parseDuration(o.sloProbeDuration, "--slo-probe-duration");
    }
    if (!conflicts.isEmpty()) {
      throw new UsageException("conflicting flags: " + String.join("; ", conflicts));
    }
    // data
    if (o.data != null) {
      dataJson = o.data.equals("@") ? new String(readAll(stdin), StandardCharsets.UTF_8) : o.data;
    } else if (notBlank(o.dataFile)) {
      dataJson = readFile(o.dataFile, "--data-file");
    } else if (o.binary) {
      binaryData = readAll(stdin);
    } else if (notBlank(o.binaryFile)) {
      Path p = Path.of(o.binaryFile);
      if (!Files.isRegularFile(p)) {
        throw new UsageException("--binary-file " + o.binaryFile + ": no such file");
      }
      try {
        binaryData = Files.readAllBytes(p);
      } catch (IOException e) {
        throw new UsageException("--binary-file " + o.binaryFile + ": " + e.getMessage());
      }
    }
    if (o.metadata != null) {
      metadataJson = o.metadata;
    } else if (notBlank(o.metadataFile)) {
      metadataJson = readFile(o.metadataFile, "--metadata-file");
    }
    if (metadataJson != null && CallTemplate.parse(metadataJson, true, true) == null) {
      Requests.headers(metadataJson); // fails with exit 2 when malformed
    }
    if (notBlank(o.tags)) {
      tags = new LinkedHashMap<>();
      try {
        JsonNode t = JSON.readTree(o.tags);
        if (t == null || !t.isObject()) {
          throw new UsageException("--tags: expected a JSON object of strings");
        }
        t.properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
      } catch (IOException e) {
        throw new UsageException("--tags: not JSON: " + e.getMessage());
      }
    }
    if (notBlank(o.maxRecvMessageSize)) {
      size(o.maxRecvMessageSize, "--max-recv-message-size");
    }
    if (notBlank(o.maxSendMessageSize)) {
      size(o.maxSendMessageSize, "--max-send-message-size");
    }
  }

  private static void oneOf(String flag, String value, String... allowed) {
    if (!List.of(allowed).contains(value)) {
      throw new UsageException(
          flag + " " + value + ": expected one of " + String.join(", ", allowed));
    }
  }

  private static void nonNegative(String flag, long v) {
    if (v < 0) {
      throw new UsageException(flag + " " + v + " (expected: >= 0)");
    }
  }

  static long parseDuration(String text, String flag) {
    try {
      long n = Durations.parse(text).toNanos();
      if (n < 0) {
        throw new UsageException(flag + " " + text + " (expected: >= 0)");
      }
      return n;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new UsageException(flag + " " + text + ": " + e.getMessage());
    }
  }

  /** go-humanize's ParseBytes: 4MB = 4,000,000; 4MiB = 4,194,304; plain numbers are bytes. */
  static int size(String text, String flag) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?i?b?)?\\s*")
            .matcher(text);
    if (!m.matches()) {
      throw new UsageException(flag + " " + text + ": expected a size such as 4MB or 64MiB");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    double base = unit.contains("i") ? 1024 : 1000;
    int power = unit.isEmpty() ? 0 : "bkmgt".indexOf(unit.charAt(0));
    double bytes = v * Math.pow(base, Math.max(0, power));
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new UsageException(flag + " " + text + ": expected 1 B .. 2 GiB");
    }
    return (int) bytes;
  }

  private static String readFile(String file, String flag) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UsageException(flag + " " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  // ---- connection and descriptors ----

  /**
   * [host, port] when calls can take the HTTP/2 fast path (plaintext, no compression or
   * load-balancing policy, a plain host:port target, --transport not grpc-java), else null.
   */
  private String[] fastPathTarget() {
    if (o.transport.equals("grpc-java")
        || !o.insecure
        || o.enableCompression
        || notBlank(o.lbStrategy)
        || notBlank(o.maxSendMessageSize)
        || keepaliveNanos > 0) {
      if (o.transport.equals("h2")) {
        throw new UsageException(
            "--transport h2 needs --insecure and no --enable-compression, --lb-strategy,"
                + " --max-send-message-size or --keepalive");
      }
      return null;
    }
    String h = o.host.trim();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:/\\[\\]]+):([0-9]{1,5})")
            .matcher(h);
    if (!m.matches()) {
      if (o.transport.equals("h2")) {
        throw new UsageException("--transport h2 needs a host:port target, not " + h);
      }
      return null;
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new String[] {host, m.group(2)};
  }

  private ManagedChannel channel(EventLoopGroup group) {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(o.host.trim()).directExecutor();
    if (group != null) {
      b.eventLoopGroup(group)
          .channelType(
              group instanceof EpollEventLoopGroup
                  ? EpollSocketChannel.class
                  : NioSocketChannel.class);
    }
    if (o.insecure) {
      b.usePlaintext();
    } else {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (o.skipTls) {
          ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (notBlank(o.cacert)) {
          ssl.trustManager(new File(o.cacert));
        }
        if (notBlank(o.cert)) {
          ssl.keyManager(new File(o.cert), new File(o.key));
        }
        b.sslContext(ssl.build());
      } catch (IOException | IllegalArgumentException e) {
        throw new UsageException("TLS settings: " + e.getMessage());
      }
      if (notBlank(o.cname)) {
        b.overrideAuthority(o.cname);
      }
    }
    if (notBlank(o.authority)) {
      b.overrideAuthority(o.authority);
    }
    b.maxInboundMessageSize(
        notBlank(o.maxRecvMessageSize)
            ? size(o.maxRecvMessageSize, "--max-recv-message-size")
            : Integer.MAX_VALUE);
    b.maxInboundMetadataSize(1 << 20);
    if (keepaliveNanos > 0) {
      b.keepAliveTime(keepaliveNanos, TimeUnit.NANOSECONDS);
    }
    if (notBlank(o.lbStrategy)) {
      b.defaultLoadBalancingPolicy(o.lbStrategy);
    }
    b.userAgent("loadtest");
    // grpc-go (ghz) does not retry by default; grpc-java would buffer every call for retries.
    b.disableRetry();
    return b.build();
  }

  private void connect(List<ManagedChannel> channels) throws InterruptedException {
    long deadline =
        System.nanoTime()
            + (connectTimeoutNanos > 0 ? connectTimeoutNanos : TimeUnit.SECONDS.toNanos(10));
    for (ManagedChannel ch : channels) {
      while (true) {
        ConnectivityState s = ch.getState(true);
        if (s == ConnectivityState.READY) {
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new RunFailure(
              "cannot connect to "
                  + o.host
                  + " within "
                  + Durations.formatNanos(connectTimeoutNanos)
                  + " (last state "
                  + s
                  + ")",
              null);
        }
        CountDownLatch changed = new CountDownLatch(1);
        ch.notifyWhenStateChanged(s, changed::countDown);
        changed.await(left, TimeUnit.NANOSECONDS);
      }
    }
  }

  private MethodDescriptor reflect(ManagedChannel channel) {
    String service = Methods.split(o.call)[0];
    Metadata headers =
        notBlank(o.reflectMetadata) ? Requests.headers(o.reflectMetadata) : new Metadata();
    List<FileDescriptorProto> files;
    try {
      files = Reflection.filesFor(channel, service, headers);
    } catch (StatusRuntimeException e) {
      throw new UsageException(
          "no --proto or --protoset given and server reflection failed: "
              + e.getStatus().getCode()
              + " "
              + e.getStatus().getDescription());
    } catch (IllegalStateException e) {
      throw new RunFailure(e.getMessage(), e);
    }
    debug("reflection: " + files.size() + " file(s)");
    return Methods.find(Methods.link(files).values(), o.call);
  }

  private static TypeRegistry registry(MethodDescriptor method) {
    TypeRegistry.Builder b = TypeRegistry.newBuilder();
    List<FileDescriptor> seen = new ArrayList<>();
    collect(method.getFile(), seen);
    for (FileDescriptor f : seen) {
      for (Descriptor d : f.getMessageTypes()) {
        b.add(d);
      }
    }
    return b.build();
  }

  private static void collect(FileDescriptor f, List<FileDescriptor> seen) {
    if (seen.contains(f)) {
      return;
    }
    seen.add(f);
    for (FileDescriptor d : f.getDependencies()) {
      collect(d, seen);
    }
  }

  // ---- output ----

  private void write(Report report) {
    if (notBlank(o.output)) {
      Path p = Path.of(o.output);
      try {
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
        try (java.io.Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
          Printers.print(report, o.format, w);
        }
      } catch (IOException | UncheckedIOException e) {
        throw new RunFailure("cannot write " + o.output + ": " + e.getMessage(), e);
      }
    } else {
      java.io.Writer w =
          new java.io.BufferedWriter(
              new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
      Printers.print(report, o.format, w);
      try {
        w.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.flush();
    }
  }

  private Consumer<String> progress() {
    boolean on = o.progress != null ? o.progress : System.console() != null;
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

  private void debug(String msg) {
    if (notBlank(o.debug)) {
      debugLines.add(
          new GoJson()
              .beginObject()
              .name("level")
              .value("debug")
              .name("ts")
              .value(System.currentTimeMillis() / 1000.0)
              .name("msg")
              .value(msg)
              .endObject()
              .toString());
    }
  }

  private void flushDebug() {
    if (notBlank(o.debug) && !debugLines.isEmpty()) {
      try {
        Files.write(Path.of(o.debug), debugLines, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("loadtest: cannot write --debug " + o.debug + ": " + e.getMessage());
      }
    }
  }
}
