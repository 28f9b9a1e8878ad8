package io.infergate.infer.perf.gateway;

import io.infergate.infer.perf.ServerJvms;
import io.infergate.infer.perf.Suite;
import io.infergate.infer.perf.kit.Machine;
import io.infergate.infer.perf.kit.Table;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perf/bin/gateway-bench}: the gateway against nginx and the direct path with h2load, its
 * allocation per call, then end to end to the real model with an open-loop rate search. Prints
 * Markdown (and writes it to {@code --out}); progress goes to standard error.
 */
@Command(
    name = "gateway-bench",
    sortOptions = false,
    description = "Benchmarks the gateway against nginx grpc_pass and end to end to digits.")
public final class GatewayBenchmark implements Callable<Integer> {
  @Mixin ServerJvms jvms = new ServerJvms("-Xms1g -Xmx1g");

  @Option(
      names = "--model-server-classpath",
      required = true,
      description = "the model server's classpath")
  String modelServerClasspath;

  @Option(names = "--models", defaultValue = "models", description = "digits cache (trained once)")
  Path models;

  @Option(
      names = "--work",
      defaultValue = "perf/bench/target/gateway-bench",
      description = "logs, configs, request body")
  Path work;

  @Mixin Suite suite;

  @Option(names = "--proxy-cpus", defaultValue = "0", description = "proxy (gateway, nginx) CPUs")
  String proxyCpus;

  @Option(names = "--load-cpus", defaultValue = "1", description = "backend and h2load CPUs")
  String loadCpus;

  @Option(
      names = "--in-flight",
      split = ",",
      defaultValue = "1,16,64,256",
      description = "closed-loop calls in flight (default: ${DEFAULT-VALUE})")
  List<Integer> inFlight;

  @Option(names = "--clients", defaultValue = "4", description = "h2load connections")
  int clients;

  @Option(names = "--rounds", defaultValue = "3", description = "rounds per concurrency")
  int rounds;

  @Option(names = "--run-seconds", defaultValue = "7", description = "each measured h2load run")
  int runSeconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "15",
      description = "per path, at least, discarded")
  int warmupSeconds;

  @Option(
      names = "--warmup-max-seconds",
      defaultValue = "45",
      description = "per path, at most, until its JIT compilers are quiet")
  int warmupMaxSeconds;

  @Option(
      names = "--allocation-seconds",
      defaultValue = "10",
      description = "JFR allocation run (0: skip)")
  int allocationSeconds;

  @Option(
      names = "--call-timeout",
      description =
          "a grpc-timeout header on every h2load call, such as 20S (callers with a deadline);"
              + " default: none")
  String callTimeout;

  @Option(
      names = "--gateway-telemetry",
      defaultValue = "",
      description =
          "the gateway's telemetry key as a YAML flow mapping; OTLP_SINK stands for an OTLP/HTTP"
              + " sink this run starts, e.g. '{traceSampleRatio: 0.01, otlpEndpoint: OTLP_SINK,"
              + " otlpProtocol: http/protobuf}' (default: metrics served, no tracing)")
  String gatewayTelemetry;

  @Option(names = "--skip-nginx", description = "leave nginx out")
  boolean skipNginx;

  @Option(names = "--skip-proxy", description = "skip the proxy-cost part")
  boolean skipProxy;

  @Option(names = "--skip-e2e", description = "skip the end-to-end part")
  boolean skipEndToEnd;

  @Option(names = "--model-server-cpus", defaultValue = "0", description = "end to end")
  String modelServerCpus;

  @Option(names = "--e2e-gateway-cpus", defaultValue = "1", description = "end to end")
  String endToEndGatewayCpus;

  @Option(names = "--e2e-warmup-seconds", defaultValue = "10", description = "per path")
  int endToEndWarmupSeconds;

  @Option(names = "--e2e-warmup-rate", defaultValue = "500", description = "calls/s")
  double endToEndWarmupRate;

  @Option(names = "--e2e-step-seconds", defaultValue = "5", description = "measured, per step")
  int stepSeconds;

  @Option(names = "--e2e-step-warmup-seconds", defaultValue = "1", description = "per step")
  int stepWarmupSeconds;

  @Option(names = "--e2e-start-rate", defaultValue = "250", description = "calls/s")
  double startRate;

  @Option(names = "--e2e-max-rate", defaultValue = "64000", description = "calls/s")
  double maxRate;

  @Option(
      names = "--e2e-max-steps",
      defaultValue = "9",
      description = "distinct rates per path; a failed rate is tried twice")
  int maxSteps;

  @Option(names = "--e2e-precision", defaultValue = "0.1", description = "relative")
  double precision;

  @Option(
      names = "--e2e-unbatched",
      description = "end to end: the model server without --batching (default: batched)")
  boolean endToEndUnbatched;

  @Option(
      names = "--min-gateway-nginx",
      defaultValue = "0",
      description =
          "exit 3 when the gateway's median calls/s over nginx's at 64 in flight (or the largest"
              + " in flight measured) is below this; 0: no check (--quick: 1.0)")
  double minGatewayOverNginx;

  @Option(names = "--slo-ms", defaultValue = "50", description = "p99 objective")
  double sloMillis;

  @Option(names = "--row", defaultValue = "0", description = "held-out digit sent")
  int row;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintStream progress = System.err;
    Files.createDirectories(work);
    boolean belowFloor = false;
    OtlpSink sink = gatewayTelemetry.contains("OTLP_SINK") ? new OtlpSink() : null;
    Launcher launcher =
        new Launcher(
            jvms.jvmOptions(),
            jvms.gatewayClasspath(),
            modelServerClasspath,
            ServerJvms.ownClasspath(),
            sink == null
                ? gatewayTelemetry
                : gatewayTelemetry.replace("OTLP_SINK", sink.endpoint()));
    String nginx = skipNginx ? null : Nginx.binary();
    String nginxVersion = nginx == null ? null : Nginx.version(nginx);
    StringBuilder markdown = new StringBuilder();
    markdown.append(environment(nginxVersion));
    if (!skipProxy) {
      if (nginx == null) {
        String why =
            skipNginx
                ? "--skip-nginx given"
                : "nginx is not installed (apt-get install nginx-light)";
        progress.println("nginx comparison skipped: " + why);
        markdown.append("\n**nginx comparison skipped: ").append(why).append(".**\n");
      }
      markdown.append(
          "\n### Proxy cost: gateway vs nginx `grpc_pass` vs direct, closed loop (h2load)\n\n");
      ProxyCostBenchmark proxyCost =
          new ProxyCostBenchmark(
              new ProxyCostBenchmark.Options(
                  work,
                  proxyCpus,
                  loadCpus,
                  inFlight,
                  clients,
                  rounds,
                  runSeconds,
                  0,
                  warmupSeconds,
                  Math.max(warmupSeconds, warmupMaxSeconds),
                  allocationSeconds,
                  nginx,
                  nginxVersion,
                  row,
                  callTimeout),
              launcher,
              progress);
      markdown.append(proxyCost.run());
      belowFloor = floorCheck(proxyCost, markdown, progress);
    }
    if (!skipEndToEnd) {
      markdown.append("\n### End to end to `digits` v2: open-loop rate search\n\n");
      markdown.append(
          new EndToEndBenchmark(
                  new EndToEndBenchmark.Options(
                      work,
                      models,
                      modelServerCpus,
                      endToEndGatewayCpus,
                      row,
                      endToEndWarmupSeconds,
                      endToEndWarmupRate,
                      stepSeconds,
                      stepWarmupSeconds,
                      startRate,
                      maxRate,
                      sloMillis,
                      precision,
                      maxSteps,
                      2000,
                      !endToEndUnbatched),
                  launcher,
                  progress)
              .run());
    }
    if (!gatewayTelemetry.isEmpty()) {
      markdown.append("\nGateway telemetry: `").append(gatewayTelemetry).append('`');
      if (sink != null) {
        markdown.append("; the OTLP sink received ").append(sink.received());
        sink.close();
      }
      markdown.append(".\n");
    }
    markdown.append("\nLoad average at the end: ").append(Machine.loadAverage()).append(".\n");
    suite.print(markdown.toString());
    if (suite.out() != null) {
      progress.println("results written to " + suite.out());
    }
    return belowFloor ? 3 : 0;
  }

  /**
   * Compares the gateway with nginx at 64 in flight (or the largest concurrency measured) against
   * {@link #minGatewayOverNginx}, for CI: says the verdict in the results and returns whether the
   * ratio fell below the floor.
   */
  private boolean floorCheck(
      ProxyCostBenchmark proxyCost, StringBuilder markdown, PrintStream progress) {
    if (minGatewayOverNginx <= 0) {
      return false;
    }
    int at = inFlight.contains(64) ? 64 : inFlight.stream().max(Integer::compare).orElseThrow();
    OptionalDouble ratio = proxyCost.gatewayOverNginx(at);
    if (ratio.isEmpty()) {
      progress.println("floor check skipped: nginx was not measured");
      markdown.append("\nFloor check skipped: nginx was not measured.\n");
      return false;
    }
    boolean below = ratio.getAsDouble() < minGatewayOverNginx;
    String verdict =
        String.format(
            Locale.ROOT,
            "gateway/nginx %.2f× at %d in flight (median calls/s), floor %.2f×: %s",
            ratio.getAsDouble(),
            at,
            minGatewayOverNginx,
            below ? "BELOW THE FLOOR" : "ok");
    progress.println(verdict);
    markdown.append("\n**Floor check**: ").append(verdict).append(".\n");
    return below;
  }

  private String environment(String nginxVersion) throws IOException, InterruptedException {
    Table table = suite.environment("GATEWAY_BENCH_COMMAND");
    table.row("machine", Suite.processors() + " CPUs (`nproc`), " + Suite.cpuModel());
    table.row("JVM", jvms.describe() + " (one CPU each: the JVM picks SerialGC)");
    table.row("nginx", nginxVersion == null ? "not used" : nginxVersion);
    table.row("h2load", H2Load.version());
    table.row(
        "pinning, proxy cost",
        "proxy (gateway JVM or nginx master + 1 worker) `taskset -c "
            + proxyCpus
            + "`; fixed backend and h2load (`-t 1`) `taskset -c "
            + loadCpus
            + "`; the direct path leaves CPU "
            + proxyCpus
            + " idle");
    table.row(
        "pinning, end to end",
        "model server `taskset -c "
            + modelServerCpus
            + "`; gateway `taskset -c "
            + endToEndGatewayCpus
            + "`; open-loop generator (this JVM) on "
            + ownCpus());
    table.row("load average at start", Machine.loadAverage());
    return table.toString();
  }

  private static String ownCpus() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Cpus_allowed_list:")) {
        return "CPUs " + line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown CPUs";
  }
}
