package io.infergate.infer.perf.loadtest;

import static io.infergate.infer.perf.loadtest.Flags.notBlank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.infergate.infer.perf.loadtest.RunPlan.DurationStop;
import io.infergate.infer.perf.loadtest.Schedule.Kind;
import io.infergate.infer.perf.loadtest.Settings.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@link Options} and turns them into {@link Settings}. Every flag problem is reported at
 * once; the call data and metadata (stdin, files) are read only once the flags are sound.
 */
final class SettingsReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:/\\[\\]]+):([0-9]{1,5})");

  private final Options o;
  private final Flags flags = new Flags();

  private SettingsReader(Options options) {
    this.o = options;
  }

  /**
   * The settings for {@code options}; {@code stdin} is read for {@code -d @} and {@code -b}.
   *
   * @throws UsageException naming every problem found
   */
  static Settings read(Options options, InputStream stdin) {
    return new SettingsReader(options).read(stdin);
  }

  private Settings read(InputStream stdin) {
    if (!notBlank(o.host)) {
      throw new UsageException("the target host:port is required (the last argument, as in ghz)");
    }
    Settings.Call call = call();
    Settings.Output output = output();
    Settings.Connection connection = connection(o.host);
    Settings.Load load = load();
    Streaming streaming = Streaming.read(o, flags);
    checkDataSources();
    flags.throwIfAny(); // before reading stdin
    Settings.Payload payload = payload(stdin);
    flags.throwIfAny();
    return new Settings(call, connection, payload, load, output, streaming);
  }

  private Settings.Call call() {
    try {
      Methods.split(o.call);
    } catch (UsageException e) {
      flags.problem(e.getMessage());
    }
    if (notBlank(o.proto) && !o.proto.trim().endsWith(".proto")) {
      flags.problem("--proto " + o.proto + ": must have .proto extension");
    } else if (notBlank(o.proto) && !Files.isRegularFile(Path.of(o.proto.trim()))) {
      flags.problem("--proto " + o.proto + ": no such file");
    }
    if (!notBlank(o.proto)
        && notBlank(o.protoset)
        && !Files.isRegularFile(Path.of(o.protoset.trim()))) {
      flags.problem("--protoset " + o.protoset + ": no such file");
    }
    return new Settings.Call(o.call, o.proto, o.protoset, o.importPaths, o.reflectMetadata);
  }

  private Settings.Output output() {
    Printers.Format format = Flags.find(Printers.Format.class, o.format);
    if (format == null) {
      flags.problem(
          "--format "
              + o.format
              + ": unknown (expected one of "
              + Flags.spellings(Printers.Format.class)
              + ")");
    }
    return new Settings.Output(
        format,
        o.output,
        o.name,
        tags(),
        o.debug,
        o.progress,
        flags.nonNegative("--skipFirst", o.skipFirst),
        o.countErrors);
  }

  private Map<String, String> tags() {
    if (!notBlank(o.tags)) {
      return null;
    }
    Map<String, String> tags = new LinkedHashMap<>();
    try {
      JsonNode t = JSON.readTree(o.tags);
      if (t == null || !t.isObject()) {
        flags.problem("--tags: expected a JSON object of strings");
        return null;
      }
      t.properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      flags.problem("--tags: not JSON: " + e.getMessage());
      return null;
    }
    return Collections.unmodifiableMap(tags);
  }

  private Settings.Connection connection(String host) {
    if (notBlank(o.cert) != notBlank(o.key)) {
      flags.conflict("--cert and --key go together");
    }
    if (o.insecure && (notBlank(o.cacert) || notBlank(o.cert) || o.skipTls)) {
      flags.conflict("--insecure (plaintext) with TLS flags (--cacert/--cert/--key/--skipTLS)");
    }
    Transport transport = flags.oneOf("--transport", o.transport, Transport.class, Transport.AUTO);
    long connectTimeoutNanos = flags.duration("--connect-timeout", o.connectTimeout);
    long keepaliveNanos = flags.duration("--keepalive", o.keepalive);
    long cpus = flags.nonNegative("--cpus", o.cpus);
    if (o.connections < 1) {
      flags.problem("--connections " + o.connections + " (expected: >= 1)");
    }
    int maxRecv =
        notBlank(o.maxRecvMessageSize)
            ? flags.size("--max-recv-message-size", o.maxRecvMessageSize, Integer.MAX_VALUE)
            : Integer.MAX_VALUE;
    int maxSend =
        notBlank(o.maxSendMessageSize)
            ? flags.size("--max-send-message-size", o.maxSendMessageSize, 0)
            : 0;
    return new Settings.Connection(
        host,
        fastPath(transport, keepaliveNanos, host),
        (int) o.connections,
        (int) cpus,
        connectTimeoutNanos,
        keepaliveNanos,
        o.insecure,
        o.skipTls,
        o.cacert,
        o.cert,
        o.key,
        o.cname,
        o.authority,
        o.lbStrategy,
        maxRecv,
        maxSend,
        o.enableCompression);
  }

  /**
   * Where calls take the HTTP/2 fast path (plaintext, no compression or load-balancing policy, a
   * plain host:port target, --transport not grpc-java), else null.
   */
  private Settings.HostPort fastPath(Transport transport, long keepaliveNanos, String target) {
    if (transport == Transport.GRPC_JAVA
        || !o.insecure
        || o.enableCompression
        || notBlank(o.lbStrategy)
        || notBlank(o.maxSendMessageSize)
        || keepaliveNanos > 0) {
      if (transport == Transport.H2) {
        flags.problem(
            "--transport h2 needs --insecure and no --enable-compression, --lb-strategy,"
                + " --max-send-message-size or --keepalive");
      }
      return null;
    }
    String h = target.trim();
    Matcher m = HOST_PORT.matcher(h);
    if (!m.matches()) {
      if (transport == Transport.H2) {
        flags.problem("--transport h2 needs a host:port target, not " + h);
      }
      return null;
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Settings.HostPort(host, Integer.parseInt(m.group(2)));
  }

  private Settings.Load load() {
    long timeoutNanos = flags.duration("--timeout", o.timeout);
    long durationNanos = flags.duration("--duration", o.duration);
    long maxDurationNanos = flags.duration("--max-duration", o.maxDuration);
    long warmupNanos = flags.duration("--warmup", o.warmup);
    DurationStop durationStop =
        flags.oneOf("--duration-stop", o.durationStop, DurationStop.class, DurationStop.CLOSE);
    flags.nonNegative("--rps", o.rps);
    if (durationNanos == 0 && o.total < 1) {
      flags.problem("--total " + o.total + " (expected: >= 1, or give --duration)");
    }
    Settings.ScheduleFlags rateFlags =
        scheduleFlags(
            "--load",
            o.loadSchedule,
            flags.nonNegative("--load-start", o.loadStart),
            flags.nonNegative("--load-end", o.loadEnd),
            o.loadStep,
            o.loadStepDuration,
            o.loadMaxDuration);
    Settings.ScheduleFlags concurrencyFlags =
        scheduleFlags(
            "--concurrency",
            o.concurrencySchedule,
            o.concurrencyStart,
            o.concurrencyEnd,
            o.concurrencyStep,
            o.concurrencyStepDuration,
            o.concurrencyMaxDuration);
    Schedule rate = rate(rateFlags);
    Schedule concurrency = concurrency(concurrencyFlags);
    Settings.Slo slo = slo(rate);
    if (o.openLoop && rate == null && slo == null) {
      flags.problem("--open-loop needs a rate: --rps N or --load-schedule step|line");
    }
    if (o.openLoop && o.async) {
      flags.conflict("--open-loop and --async (open loop already sends without waiting)");
    }
    if (o.openLoop && concurrencyFlags.kind() != Kind.CONST) {
      flags.conflict(
          "--open-loop and --concurrency-schedule (open loop has no workers to schedule)");
    }
    RunPlan plan =
        new RunPlan(
            o.openLoop,
            o.async,
            durationNanos > 0 ? Long.MAX_VALUE : o.total,
            durationNanos,
            maxDurationNanos,
            durationStop,
            rate,
            concurrency,
            (int) o.skipFirst);
    Settings.Connection warmupAt = null;
    if (notBlank(o.warmupTarget)) {
      if (warmupNanos == 0) {
        flags.problem("--warmup-target " + o.warmupTarget + " needs a --warmup duration");
      }
      if (slo != null) {
        flags.conflict("--warmup-target and --slo (the search has no warm-up)");
      }
      // The target's own connection settings, at another address.
      warmupAt = connection(o.warmupTarget);
    }
    if (notBlank(o.startFile) && slo != null) {
      flags.conflict("--start-file and --slo (the search starts at once)");
    }
    return new Settings.Load(
        plan,
        warmupNanos,
        o.rps,
        rateFlags,
        o.concurrency,
        concurrencyFlags,
        timeoutNanos,
        o.variantHeader,
        slo,
        warmupAt,
        notBlank(o.startFile) ? o.startFile : null);
  }

  private Settings.ScheduleFlags scheduleFlags(
      String prefix,
      String kind,
      long start,
      long end,
      long step,
      String stepDuration,
      String maxDuration) {
    Kind parsed = flags.oneOf(prefix + "-schedule", kind, Kind.class, Kind.CONST);
    long stepNanos = flags.duration(prefix + "-step-duration", stepDuration);
    if (parsed == Kind.LINE) {
      // A line moves once a second whatever was given; ghz's options.go sets the step duration to
      // 1 s for line schedules, and its report echoes that.
      stepNanos = Schedule.SECOND;
    }
    return new Settings.ScheduleFlags(
        parsed, start, end, step, stepNanos, flags.duration(prefix + "-max-duration", maxDuration));
  }

  /** The rate schedule, or null for no limit. */
  private Schedule rate(Settings.ScheduleFlags f) {
    if (f.kind() == Kind.CONST) {
      return o.rps > 0 ? Schedule.constant(o.rps) : null;
    }
    if (o.rps > 0) {
      flags.conflict(
          "--rps is for the const schedule; --load-schedule "
              + f.kind().flag()
              + " uses --load-start/--load-step/--load-end");
    }
    if (f.step() == 0) {
      flags.problem("--load-schedule " + f.kind().flag() + " needs --load-step != 0");
    } else if (f.kind() == Kind.STEP && f.stepNanos() <= 0) {
      flags.problem("--load-schedule step needs --load-step-duration > 0");
    } else if (f.start() == 0 && f.step() < 0) {
      flags.problem("--load-start 0 with a negative --load-step never sends");
    }
    return f.toSchedule();
  }

  /** The worker-count schedule. */
  private Schedule concurrency(Settings.ScheduleFlags f) {
    if (f.kind() == Kind.CONST) {
      if (o.concurrency < 1) {
        flags.problem("--concurrency " + o.concurrency + " (expected: >= 1)");
      } else if (o.connections > o.concurrency) {
        flags.conflict(
            "--connections "
                + o.connections
                + " exceeds --concurrency "
                + o.concurrency
                + " (each worker uses one connection)");
      }
      return Schedule.constant(o.concurrency);
    }
    if (f.step() == 0) {
      flags.problem("--concurrency-schedule " + f.kind().flag() + " needs --concurrency-step != 0");
    } else if (f.kind() == Kind.STEP && f.stepNanos() <= 0) {
      flags.problem("--concurrency-schedule step needs --concurrency-step-duration > 0");
    }
    return f.toSchedule();
  }

  /** The SLO search, or null without {@code --slo}. */
  private Settings.Slo slo(Schedule rate) {
    List<SloSearch.Objective> objectives = new ArrayList<>();
    for (String s : o.slo) {
      try {
        objectives.add(SloSearch.Objective.parse(s));
      } catch (UsageException e) {
        flags.problem(e.getMessage());
      }
    }
    if (o.slo.isEmpty()) {
      return null;
    }
    if (rate != null) {
      flags.conflict("--slo picks the rate itself; drop --rps/--load-schedule");
    }
    if (o.sloMinRps < 1 || o.sloMaxRps < o.sloMinRps) {
      flags.problem("--slo-min-rps/--slo-max-rps: expected 1 <= min <= max");
    }
    if (o.sloPrecision <= 0 || o.sloPrecision >= 1) {
      flags.problem("--slo-precision " + o.sloPrecision + " (expected: in (0, 1))");
    }
    return new Settings.Slo(
        objectives,
        o.sloMinRps,
        o.sloMaxRps,
        o.sloPrecision,
        flags.duration("--slo-probe-duration", o.sloProbeDuration));
  }

  private Settings.Payload payload(InputStream stdin) {
    String dataJson = null;
    ByteString binaryData = null;
    if (o.data != null) {
      dataJson = o.data.equals("@") ? new String(readAll(stdin), StandardCharsets.UTF_8) : o.data;
    } else if (notBlank(o.dataFile)) {
      dataJson = readFile(o.dataFile, "--data-file");
    } else if (o.binary) {
      binaryData = ByteString.copyFrom(readAll(stdin));
    } else if (notBlank(o.binaryFile)) {
      binaryData = readBinaryFile(o.binaryFile);
    }
    String metadataJson = o.metadata;
    if (metadataJson == null && notBlank(o.metadataFile)) {
      metadataJson = readFile(o.metadataFile, "--metadata-file");
    }
    if (metadataJson != null && CallTemplate.parse(metadataJson, true, true) == null) {
      try {
        Requests.headers(metadataJson); // a problem when malformed
      } catch (UsageException e) {
        flags.problem(e.getMessage());
      }
    }
    // ghz's report says "binary": true when the data came from -B, or from -b and stdin held bytes
    // (runner.WithBinaryData and WithBinaryDataFromFile are what set it).
    boolean binary = binaryData != null && (notBlank(o.binaryFile) || !binaryData.isEmpty());
    return new Settings.Payload(
        dataJson,
        binaryData,
        binary,
        metadataJson,
        !o.disableTemplateFunctions,
        !o.disableTemplateData);
  }

  /** Conflicts between the sources of call data and of metadata. */
  private void checkDataSources() {
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
      flags.conflict(String.join(" and ", sources) + " both give the call data (use one)");
    }
    if (o.metadata != null && notBlank(o.metadataFile)) {
      flags.conflict("--metadata and --metadata-file both give the metadata (use one)");
    }
  }

  private ByteString readBinaryFile(String file) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      flags.problem("--binary-file " + file + ": no such file");
      return null;
    }
    try {
      return ByteString.copyFrom(Files.readAllBytes(p));
    } catch (IOException e) {
      flags.problem("--binary-file " + file + ": " + e.getMessage());
      return null;
    }
  }

  private String readFile(String file, String flag) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      flags.problem(flag + " " + file + ": cannot read (" + e.getMessage() + ")");
      return null;
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
