package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;
import static io.infergate.infer.perf.kit.Table.whole;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.infergate.infer.perf.ServerJvms;
import io.infergate.infer.perf.Suite;
import io.infergate.infer.perf.gateway.CoreTimes;
import io.infergate.infer.perf.gateway.FixedResponseBackend;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.Machine;
import io.infergate.infer.perf.kit.ProcStat;
import io.infergate.infer.perf.kit.Table;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Other callers' latency while Rapid Reset attackers (CVE-2023-44487) hit the gateway: a real
 * {@code GatewayMain} (default limits: {@code connections.maxRstFramesPerWindow} 2,000 per 10 s on
 * each connection, and {@code connections.newPerSourcePerSecond} 10 with a burst of 100 new
 * connections from one address, the attackers' and the callers' 127.0.0.1) in front of {@link
 * FixedResponseBackend}, each pinned; steady open-loop callers measured for a baseline window, then
 * for the same window with {@link RapidResetAttacker}s running in a process of their own ({@link
 * RapidResetAttackerMain}, pinned with {@code --attacker-cpus} and run at {@code --attacker-nice}).
 * The goal is issue #12's: the callers' p99 during the attack within 2× of before.
 *
 * <p>The attack runs outside the callers' JVM so that the callers' latency and CPU show only their
 * own work, as they would with an attacker on another machine; each process's CPU is reported.
 *
 * <p>A benchmark, not a test: it needs a quiet machine to mean anything, so it reports the load
 * average and each core's busy share beside the numbers.
 */
@Command(
    name = "rapid-reset-bench",
    sortOptions = false,
    description = "Callers' p99 before and during a Rapid Reset attack on the gateway.")
public final class RapidResetBench implements Callable<Integer> {
  @Mixin CallerLoad callers;

  @Option(names = "--gateway-cpus", defaultValue = "0", description = "taskset list; empty: none")
  String gatewayCpus;

  @Option(names = "--backend-cpus", defaultValue = "1", description = "taskset list; empty: none")
  String backendCpus;

  @Mixin AttackerProcess attackers;

  @Mixin ServerJvms jvms;

  @Option(
      names = "--work",
      defaultValue = "perf/bench/target/rapid-reset-bench",
      description = "logs and configs (default: ${DEFAULT-VALUE})")
  Path work;

  @Mixin Suite suite;

  /** The goal: p99 during the attack at most this many times the baseline's. */
  static final double MAX_P99_RATIO = 2.0;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RapidResetBench()).execute(args));
  }

  /** What one measured window saw, callers' and the gateway's side. */
  private record Window(
      String name,
      CallTally.Summary calls,
      double gatewayCpuSeconds,
      double ownCpuSeconds,
      double attackerCpuSeconds,
      String coreBusy,
      String loadAverage,
      long attackStreams,
      long attackConnectionsOpened,
      long attackConnectionsClosed,
      long tooManyRstStreams,
      long gatewayLogged,
      long refusedAtAccept) {}

  @Override
  public Integer call() throws Exception {
    PrintStream progress = System.err;
    Files.createDirectories(work);
    List<String> options = jvms.jvmOptions();
    String ownClasspath = ServerJvms.ownClasspath();
    byte[] body = DigitsRequests.valid().toByteArray();
    String loadBefore = Machine.loadAverage();
    try (ChildProcess backend =
            ChildProcess.startAnnounced(
                "backend",
                ChildProcess.pinned(
                    backendCpus,
                    ChildProcess.java(
                        options, ownClasspath, FixedResponseBackend.class.getName(), List.of())),
                work.resolve("backend.log"),
                "backend listening on ",
                Duration.ofMinutes(1));
        ChildProcess gateway = startGateway(options, backend.address())) {
      String target = gateway.address();
      progress.println(
          "gateway " + target + " (pid " + gateway.pid() + "), backend " + backend.address());
      OpenLoop load = callers.window();
      load.warmUp(target, body, progress);
      progress.println("  baseline: " + load.describe());
      Window baseline = measure("before", gateway, load, target, body, null);
      Window attacked;
      try (ChildProcess attacker =
          attackers.start(options, ownClasspath, target, work.resolve("attacker.log"))) {
        progress.println(
            "  during attack: "
                + load.describe()
                + ", "
                + attackers.count()
                + " attacker(s) (pid "
                + attacker.pid()
                + ")");
        attacked = measure("during attack", gateway, load, target, body, attacker);
      }
      String results = report(baseline, attacked, loadBefore);
      suite.print(results);
      return p99Ratio(baseline, attacked) <= MAX_P99_RATIO ? 0 : 1;
    }
  }

  private ChildProcess startGateway(List<String> options, String backendAddress) throws Exception {
    Path config = work.resolve("gateway.yaml");
    // Default transport limits on purpose: what a deployment that sets nothing gets.
    Files.writeString(
        config,
        "host: 127.0.0.1\n"
            + "port: 0\n"
            + "reloadCheckInterval: 0s\n"
            + "routes:\n"
            + "  - model: digits\n"
            + "    variants:\n"
            + "      - {name: stable, weight: 100, endpoints: [\""
            + backendAddress
            + "\"]}\n",
        UTF_8);
    return ChildProcess.startAnnounced(
        "gateway",
        ChildProcess.pinned(
            gatewayCpus,
            withGrpcTransportLog(
                ChildProcess.java(
                    options,
                    jvms.gatewayClasspath(),
                    "io.infergate.infer.gateway.GatewayMain",
                    List.of("--config", config.toString(), "--metrics-port", "0")))),
        work.resolve("gateway.log"),
        "gateway listening on ",
        Duration.ofMinutes(1));
  }

  /**
   * {@code command} with grpc-java's per-connection failure log turned back on (the servers keep it
   * at WARN), since this benchmark counts the connections the gateway closed from those lines.
   */
  private static List<String> withGrpcTransportLog(List<String> command) {
    List<String> withEnvironment =
        new java.util.ArrayList<>(
            List.of("env", "LOG_LEVEL=info,io.grpc.netty.NettyServerTransport=info"));
    withEnvironment.addAll(command);
    return withEnvironment;
  }

  /**
   * One window of {@code load}; with {@code attacker} (null for the baseline) its CPU during the
   * window, and its totals once it is stopped right after.
   */
  private static Window measure(
      String name,
      ChildProcess gateway,
      OpenLoop load,
      String target,
      byte[] body,
      ChildProcess attacker)
      throws Exception {
    long attackerTicks = attacker == null ? 0 : attacker.cpuTicks();
    long logged = loggedResetLimits(gateway);
    long refused = loggedRefusals(gateway);
    long ticks = gateway.cpuTicks();
    ProcStat own = ProcStat.self();
    List<CoreTimes.Core> cores = CoreTimes.read();
    CallTally.Summary calls = load.measure(target, body);
    double gatewayCpu = (gateway.cpuTicks() - ticks) / (double) ProcStat.TICKS_PER_SECOND;
    double ownCpu = ProcStat.self().secondsSince(own);
    String coreBusy = CoreTimes.busyPercent(cores, CoreTimes.read());
    double attackerCpu = 0;
    RapidResetAttackerMain.Totals attack = RapidResetAttackerMain.Totals.NONE;
    if (attacker != null) {
      attackerCpu = (attacker.cpuTicks() - attackerTicks) / (double) ProcStat.TICKS_PER_SECOND;
      // Its totals span its whole life: started just before this window, stopped just after.
      attack = RapidResetAttackerMain.Totals.parse(attacker.stop(Duration.ofSeconds(15)));
    }
    return new Window(
        name,
        calls,
        gatewayCpu,
        ownCpu,
        attackerCpu,
        coreBusy,
        Machine.loadAverage(),
        attack.streams(),
        attack.opened(),
        attack.closed(),
        attack.tooManyRstStreams(),
        loggedResetLimits(gateway) - logged,
        loggedRefusals(gateway) - refused);
  }

  /**
   * Connections the gateway ended for too many resets, as its log says ({@code Transport failed}
   * with grpc-java's {@code too_many_rststreams}): the count that does not depend on the attacker
   * reading the GOAWAY, which a connection reset by the gateway's kernel often discards (the
   * gateway closes with the attacker's unread frames in its socket buffer).
   */
  private static long loggedResetLimits(ChildProcess gateway) throws IOException {
    try (Stream<String> lines = Files.lines(gateway.log(), UTF_8)) {
      return lines.filter(line -> line.contains("RstStreamCounter")).count();
    }
  }

  /**
   * Connections the gateway closed at accept for their address's rate, as its log says: it logs the
   * first and then a count at most every 10 s, so this lags by up to 10 s of refusals.
   */
  private static long loggedRefusals(ChildProcess gateway) throws IOException {
    try (Stream<String> lines = Files.lines(gateway.log(), UTF_8)) {
      return lines.mapToLong(RapidResetBench::refusalsIn).sum();
    }
  }

  /** 1 for "Refused a new connection ...", N for "Refused N new connection(s) ...", else 0. */
  private static long refusalsIn(String line) {
    int at = line.indexOf("Refused ");
    if (at < 0 || !line.contains("newPerSourcePerSecond")) {
      return 0;
    }
    String rest = line.substring(at + "Refused ".length());
    if (rest.startsWith("a new connection")) {
      return 1;
    }
    int space = rest.indexOf(' ');
    return space > 0 ? Long.parseLong(rest.substring(0, space)) : 0;
  }

  private static String ownCpus() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"), UTF_8)) {
      if (line.startsWith("Cpus_allowed_list:")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return Machine.UNKNOWN;
  }

  private static double p99Ratio(Window before, Window during) {
    return during.calls().allMillis(99) / before.calls().allMillis(99);
  }

  private String report(Window before, Window during, String loadBefore) throws Exception {
    Table table =
        new Table(
            "window",
            "calls",
            "failed (by code)",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "gateway CPU s",
            "gateway CPU µs/call",
            "callers JVM CPU s",
            "attackers JVM CPU s",
            "core busy %",
            "load avg after",
            "attack streams",
            "attack streams/s",
            "attack connections opened",
            "attack connections closed",
            "of which GOAWAY too_many_rststreams read",
            "gateway log: too_many_rststreams",
            "gateway log: refused at accept");
    for (Window w : List.of(before, during)) {
      long calls = w.calls().calls() + w.calls().notSent();
      table.row(
          w.name(),
          whole(calls),
          TallyTables.failures(w.calls()),
          fixed(w.calls().allMillis(50), 2),
          fixed(w.calls().allMillis(99), 2),
          fixed(w.calls().allMillis(99.9), 2),
          fixed(w.calls().allMillis(100), 2),
          fixed(w.gatewayCpuSeconds(), 2),
          fixed(1e6 * w.gatewayCpuSeconds() / Math.max(1, calls), 0),
          fixed(w.ownCpuSeconds(), 2),
          fixed(w.attackerCpuSeconds(), 2),
          w.coreBusy(),
          w.loadAverage(),
          whole(w.attackStreams()),
          whole(w.attackStreams() / callers.window().seconds()),
          whole(w.attackConnectionsOpened()),
          w.attackConnectionsClosed(),
          w.tooManyRstStreams(),
          w.gatewayLogged(),
          w.refusedAtAccept());
    }
    double ratio = p99Ratio(before, during);
    Table environment = suite.environment("RAPID_RESET_BENCH_COMMAND");
    environment.row(
        "machine",
        Suite.processors()
            + " CPUs, "
            + Suite.cpuModel()
            + "; gateway on CPUs `"
            + gatewayCpus
            + "`, backend on `"
            + backendCpus
            + "`, callers (this JVM) on CPUs `"
            + ownCpus()
            + "`, attackers (their own JVM) on "
            + attackers.placement());
    environment.row("JVM", jvms.describe());
    environment.row("load average before", loadBefore);
    return environment
        + "\n"
        + "Callers: "
        + callers.window().describe()
        + " per window, latency from each call's intended send time. Attack: "
        + attackers.count()
        + " connection(s) of HEADERS+RST_STREAM CANCEL as fast as the socket takes them,"
        + " reconnecting when closed; gateway limits at their defaults (on one source address with"
        + " the callers: 127.0.0.1).\n\n"
        + table
        + "\np99 during / before: "
        + fixed(ratio, 2)
        + "× (goal ≤ "
        + fixed(MAX_P99_RATIO, 0)
        + "×): "
        + (ratio <= MAX_P99_RATIO ? "met" : "NOT met")
        + "\n"
        + (during.calls().failed() > 0
            ? "\nFailures during the attack:\n\n" + TallyTables.descriptions(during.calls())
            : "");
  }
}
