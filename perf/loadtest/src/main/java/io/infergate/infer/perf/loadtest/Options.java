package io.infergate.infer.perf.loadtest;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * ghz's command line, flag for flag (names, short forms, defaults: protocols.md §3.1), plus the
 * harness's own flags, each named for what it adds. Values come from the command line, else from
 * the {@code --config} file, else the default.
 */
@Command(
    name = "loadtest",
    sortOptions = false,
    usageHelpWidth = 110,
    description = {
      "Load-tests a unary gRPC method, ghz-compatible: ghz's flags, config files and report formats.",
      "Extra: --open-loop (latency from the intended send time), per-variant figures from x-variant,",
      "--slo search for the highest open-loop rate meeting an SLO, a self-contained HTML report."
    })
final class Options {
  // ghz's (kingpin's) -h/--help and -v/--version; not the project's -V mixin, so that scripts
  // written for ghz (`ghz -v`) work unchanged.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show the flags and exit.")
  boolean help;

  @Option(
      names = {"-v", "--version"},
      versionHelp = true,
      description = "Print the version (bare, on stderr, as ghz does) and exit.")
  boolean version;

  // ---- ghz: proto and call ----
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON, TOML or YAML config file (keys = long flag names); flags override it.")
  String config;

  @Option(
      names = "--proto",
      paramLabel = "FILE",
      description =
          "The .proto file (compiled with protoc at start-up); takes precedence over --protoset.")
  String proto;

  @Option(
      names = "--protoset",
      paramLabel = "FILE",
      description = "Compiled FileDescriptorSet (protoc --include_imports --descriptor_set_out).")
  String protoset;

  @Option(
      names = "--call",
      paramLabel = "METHOD",
      description = "package.Service/Method or package.Service.Method.")
  String call;

  @Option(
      names = {"-i", "--import-paths"},
      paramLabel = "PATHS",
      split = ",",
      description = "Comma-separated proto import paths.")
  List<String> importPaths = new ArrayList<>();

  // ---- ghz: security ----
  @Option(names = "--cacert", paramLabel = "FILE", description = "Trusted root certificates (PEM).")
  String cacert;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "Client certificate (PEM); needs --key.")
  String cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "Client private key (PEM); needs --cert.")
  String key;

  @Option(
      names = "--cname",
      paramLabel = "NAME",
      description = "Server name override for TLS verification.")
  String cname;

  @Option(
      names = "--skipTLS",
      arity = "0..1",
      fallbackValue = "true",
      description = "Skip TLS verification of the server's certificate.")
  boolean skipTls;

  @Option(
      names = "--insecure",
      arity = "0..1",
      fallbackValue = "true",
      description = "Plaintext (h2c). Without it the harness uses TLS, as ghz does.")
  boolean insecure;

  @Option(names = "--authority", paramLabel = "HOST", description = ":authority override.")
  String authority;

  // ---- ghz: load ----
  @Option(
      names = "--async",
      arity = "0..1",
      fallbackValue = "true",
      description = "With --rps: send on schedule without waiting for the previous call.")
  boolean async;

  @Option(
      names = {"-r", "--rps"},
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Rate limit, calls/s, for the const schedule (0 = none). Default: ${DEFAULT-VALUE}.")
  long rps;

  @Option(
      names = "--load-schedule",
      paramLabel = "const|step|line",
      defaultValue = "const",
      description = "Rate schedule. Default: ${DEFAULT-VALUE}.")
  String loadSchedule;

  @Option(
      names = "--load-start",
      paramLabel = "N",
      defaultValue = "0",
      description = "Start rate for step and line.")
  long loadStart;

  @Option(
      names = "--load-end",
      paramLabel = "N",
      defaultValue = "0",
      description = "End rate for step and line.")
  long loadEnd;

  @Option(
      names = "--load-step",
      paramLabel = "N",
      defaultValue = "0",
      description = "Rate step (step) or slope per second (line); may be negative.")
  long loadStep;

  @Option(
      names = "--load-step-duration",
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Step length for the step schedule.")
  String loadStepDuration;

  @Option(
      names = "--load-max-duration",
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Stop changing the rate after this; then hold.")
  String loadMaxDuration;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      defaultValue = "50",
      description = "Workers for the const concurrency schedule. Default: ${DEFAULT-VALUE}.")
  long concurrency;

  @Option(
      names = "--concurrency-schedule",
      paramLabel = "const|step|line",
      defaultValue = "const",
      description = "Worker-count schedule. Default: ${DEFAULT-VALUE}.")
  String concurrencySchedule;

  @Option(
      names = "--concurrency-start",
      paramLabel = "N",
      defaultValue = "0",
      description = "Start workers for step and line.")
  long concurrencyStart;

  @Option(
      names = "--concurrency-end",
      paramLabel = "N",
      defaultValue = "0",
      description = "End workers for step and line.")
  long concurrencyEnd;

  @Option(
      names = "--concurrency-step",
      paramLabel = "N",
      defaultValue = "1",
      description = "Worker step or slope per second. Default: ${DEFAULT-VALUE}.")
  long concurrencyStep;

  @Option(
      names = "--concurrency-step-duration",
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Step length for the step concurrency schedule.")
  String concurrencyStepDuration;

  @Option(
      names = "--concurrency-max-duration",
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Stop changing the worker count after this.")
  String concurrencyMaxDuration;

  @Option(
      names = {"-n", "--total"},
      paramLabel = "N",
      defaultValue = "200",
      description = "Calls to make. Default: ${DEFAULT-VALUE}.")
  long total;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "DUR",
      defaultValue = "20s",
      description = "Per-call deadline (0 = none). Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = {"-z", "--duration"},
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Run for this long; -n is then ignored.")
  String duration;

  @Option(
      names = {"-x", "--max-duration"},
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Like -z but -n still applies.")
  String maxDuration;

  @Option(
      names = "--duration-stop",
      paramLabel = "close|wait|ignore",
      defaultValue = "close",
      description =
          "In-flight calls at -z: cancelled and counted, awaited, or dropped. Default: ${DEFAULT-VALUE}.")
  String durationStop;

  // ---- ghz: data ----
  @Option(
      names = {"-d", "--data"},
      paramLabel = "JSON",
      description =
          "Call data as proto-JSON (object, or array for round-robin); '@' reads stdin. Go-template variables allowed.")
  String data;

  @Option(
      names = {"-D", "--data-file"},
      paramLabel = "FILE",
      description = "Call data JSON file.")
  String dataFile;

  @Option(
      names = {"-b", "--binary"},
      arity = "0..1",
      fallbackValue = "true",
      description = "Read serialized message(s) from stdin.")
  boolean binary;

  @Option(
      names = {"-B", "--binary-file"},
      paramLabel = "FILE",
      description = "Serialized message, or varint-length-delimited messages.")
  String binaryFile;

  @Option(
      names = {"-m", "--metadata"},
      paramLabel = "JSON",
      description = "Request metadata as a JSON object (templated).")
  String metadata;

  @Option(
      names = {"-M", "--metadata-file"},
      paramLabel = "FILE",
      description = "Request metadata JSON file.")
  String metadataFile;

  @Option(
      names = "--stream-interval",
      paramLabel = "DUR",
      description = "Pause between message sends in client and bidi streaming calls (default 0).")
  String streamInterval;

  @Option(
      names = "--stream-call-duration",
      paramLabel = "DUR",
      description =
          "Client and bidi streams stop sending after this long; server streams are cancelled"
              + " (default 0: no limit).")
  String streamCallDuration;

  @Option(
      names = "--stream-call-count",
      paramLabel = "N",
      description =
          "Client and bidi streams send N messages (cycling through the data); server streams are"
              + " cancelled after N answers (default 0: no limit).")
  String streamCallCount;

  @Option(
      names = "--stream-dynamic-messages",
      arity = "0..1",
      fallbackValue = "true",
      description = "Render the data template afresh for every message of a stream.")
  boolean streamDynamicMessages;

  @Option(
      names = "--reflect-metadata",
      paramLabel = "JSON",
      description = "Metadata for the reflection call only.")
  String reflectMetadata;

  // ---- ghz: output ----
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Report file (default: stdout).")
  String output;

  @Option(
      names = {"-O", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "summary",
      description =
          "summary, csv, json, pretty, html, influx-summary, influx-details, prometheus. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--skipFirst",
      paramLabel = "N",
      defaultValue = "0",
      description = "Drop the first N results from the tally.")
  long skipFirst;

  @Option(
      names = "--count-errors",
      arity = "0..1",
      fallbackValue = "true",
      description = "Count failed calls in fastest/slowest/histogram/percentiles.")
  boolean countErrors;

  // ---- ghz: connection ----
  @Option(
      names = "--connections",
      paramLabel = "N",
      defaultValue = "1",
      description = "gRPC connections; workers are spread over them. Default: ${DEFAULT-VALUE}.")
  long connections;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DUR",
      defaultValue = "10s",
      description = "Connection timeout. Default: ${DEFAULT-VALUE}.")
  String connectTimeout;

  @Option(
      names = "--keepalive",
      paramLabel = "DUR",
      defaultValue = "0",
      description = "Keepalive time (0 = off).")
  String keepalive;

  @Option(names = "--name", paramLabel = "NAME", description = "Report name.")
  String name;

  @Option(
      names = "--tags",
      paramLabel = "JSON",
      description = "Report tags, a JSON object of strings.")
  String tags;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      defaultValue = "0",
      description = "Threads for the network event loop (default: the number of cores).")
  long cpus;

  @Option(
      names = "--debug",
      paramLabel = "FILE",
      description = "JSON-lines debug log of the run's phases.")
  String debug;

  @Option(
      names = {"-e", "--enable-compression"},
      arity = "0..1",
      fallbackValue = "true",
      description = "gzip requests.")
  boolean enableCompression;

  @Option(
      names = "--lb-strategy",
      paramLabel = "POLICY",
      description = "Client load-balancing policy, e.g. round_robin (with a dns:/// target).")
  String lbStrategy;

  @Option(
      names = "--max-recv-message-size",
      paramLabel = "SIZE",
      description = "Largest response, e.g. 64MB (default: 2 GiB).")
  String maxRecvMessageSize;

  @Option(
      names = "--max-send-message-size",
      paramLabel = "SIZE",
      description = "Largest request, e.g. 64MB (default: 2 GiB).")
  String maxSendMessageSize;

  @Option(
      names = "--disable-template-functions",
      arity = "0..1",
      fallbackValue = "true",
      description = "No template functions in data and metadata.")
  boolean disableTemplateFunctions;

  @Option(
      names = "--disable-template-data",
      arity = "0..1",
      fallbackValue = "true",
      description = "No template variables in data and metadata.")
  boolean disableTemplateData;

  @Parameters(index = "0", arity = "0..1", paramLabel = "host", description = "Target host:port.")
  String host;

  // ---- the harness's own ----
  @Option(
      names = "--open-loop",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Extra: send at the --rps/--load-schedule times regardless of calls in flight; latency counts from each call's intended send time.")
  boolean openLoop;

  @Option(
      names = "--slo",
      split = ",",
      paramLabel = "pNN=DUR",
      description =
          "Extra: find the highest open-loop rate whose latency percentile(s) meet this, e.g. --slo p99=50ms (repeatable).")
  List<String> slo = new ArrayList<>();

  @Option(
      names = "--slo-min-rps",
      paramLabel = "N",
      defaultValue = "10",
      description = "Extra: lowest rate the SLO search tries. Default: ${DEFAULT-VALUE}.")
  long sloMinRps;

  @Option(
      names = "--slo-max-rps",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Extra: highest rate the SLO search tries. Default: ${DEFAULT-VALUE}.")
  long sloMaxRps;

  @Option(
      names = "--slo-probe-duration",
      paramLabel = "DUR",
      defaultValue = "5s",
      description = "Extra: length of each SLO probe. Default: ${DEFAULT-VALUE}.")
  String sloProbeDuration;

  @Option(
      names = "--slo-precision",
      paramLabel = "FRACTION",
      defaultValue = "0.05",
      description =
          "Extra: stop when the bounds are this close (relative). Default: ${DEFAULT-VALUE}.")
  double sloPrecision;

  @Option(
      names = "--variant-header",
      paramLabel = "NAME",
      defaultValue = "x-variant",
      description =
          "Extra: response header whose value splits the figures per variant. Default: ${DEFAULT-VALUE}.")
  String variantHeader;

  @Option(
      names = "--transport",
      paramLabel = "auto|h2|grpc-java",
      defaultValue = "auto",
      description =
          "Extra: h2 writes unary calls straight onto Netty's HTTP/2 codec (plaintext only; the"
              + " harness then costs a few microseconds per call); grpc-java uses grpc-java's"
              + " ClientCall. auto: h2 when --insecure without compression, keepalive or an LB"
              + " policy. Default: ${DEFAULT-VALUE}.")
  String transport;

  @Option(
      names = "--warmup",
      paramLabel = "DUR",
      defaultValue = "0",
      description =
          "Extra: first run the same load this long and discard it (JIT, connections), then measure.")
  String warmup;

  @Option(
      names = "--warmup-target",
      paramLabel = "HOST:PORT",
      description =
          "Extra: run the --warmup against this server (a stand-in that answers the same method)"
              + " instead of the target, so that the harness is warm before the target has even"
              + " started; the target is connected to only after it.")
  String warmupTarget;

  @Option(
      names = "--start-file",
      paramLabel = "FILE",
      description =
          "Extra: once warm, print 'loadtest: warm' on stderr and wait until FILE exists before"
              + " connecting to the target and measuring, so that a script can start the load at"
              + " a moment of its choosing (a fresh server reporting SERVING) with a warm harness.")
  String startFile;

  @Option(
      names = "--progress",
      arity = "0..1",
      fallbackValue = "true",
      description = "Extra: live progress line on stderr (default: only when on a terminal).")
  Boolean progress;
}
