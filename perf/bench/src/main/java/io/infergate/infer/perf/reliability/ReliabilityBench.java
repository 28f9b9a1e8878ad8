package io.infergate.infer.perf.reliability;

import io.infergate.infer.digits.DigitsTrainer;
import io.infergate.infer.perf.ServerJvms;
import io.infergate.infer.perf.Suite;
import io.infergate.infer.perf.kit.Table;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perf/bin/reliability-bench}: the gateway's resilience scenarios with real processes (model
 * servers serving the trained {@code digits}, the gateway with a YAML file, a stalled backend) and
 * real faults (SIGKILL, dead ports, a stuck backend, invalid requests, overload, config reloads).
 * Prints Markdown (and writes it to {@code --out}): a goals table, then each scenario's
 * configuration and results; progress goes to standard error. Exits 0 when every goal is met, 1
 * when one is not or a scenario could not run.
 */
@Command(
    name = "reliability-bench",
    sortOptions = false,
    description = "Runs the gateway's resilience scenarios against real processes.")
public final class ReliabilityBench implements Callable<Integer> {
  @Option(
      names = "--scenario",
      description = "a scenario to run, repeatable (default: all): ${COMPLETION-CANDIDATES}",
      completionCandidates = ScenarioNames.class)
  List<String> scenarios = new ArrayList<>();

  @Mixin ServerJvms jvms;

  @Option(
      names = "--model-server-classpath",
      description = "the model server's (default: this JVM's)")
  String modelServerClasspath;

  @Option(
      names = "--models",
      description = "digits v1 and v2, trained there if absent (default: ${DEFAULT-VALUE})")
  Path models = Path.of("models");

  @Option(names = "--work", description = "logs, configs, repositories (default: ${DEFAULT-VALUE})")
  Path work = Path.of("perf/bench/target/reliability-bench");

  @Option(
      names = "--capacity",
      description = "overload: the model server's calls/s (default: measured)")
  double capacity;

  @Mixin Suite suite;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReliabilityBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Scenario> all = scenarios(capacity);
    List<Scenario> selected = new ArrayList<>();
    for (String name : scenarios) {
      Scenario scenario = all.get(name);
      if (scenario == null) {
        System.err.println(
            "reliability-bench: --scenario " + name + ": unknown (expected: " + all.keySet() + ")");
        return 2;
      }
      selected.add(scenario);
    }
    if (selected.isEmpty()) {
      selected.addAll(all.values());
    }
    PrintStream progress = System.err;
    Files.createDirectories(work);
    progress.println("ensuring digits is trained and exported under " + models);
    DigitsTrainer.ensureExported(models);
    String ownClasspath = ServerJvms.ownClasspath();
    Fleet.Setup setup =
        new Fleet.Setup(
            work,
            models,
            jvms.jvmOptions(),
            jvms.gatewayClasspath(),
            modelServerClasspath != null ? modelServerClasspath : ownClasspath,
            ownClasspath);

    StringBuilder sections = new StringBuilder();
    Table goals = new Table("scenario", "goal", "measured", "met");
    boolean allMet = true;
    for (Scenario scenario : selected) {
      progress.println("scenario " + scenario.name());
      sections.append("\n### ").append(scenario.name()).append("\n\n");
      sections.append(scenario.description()).append("\n\nGateway configuration:\n\n```yaml\n");
      sections.append(scenario.gatewayConfig()).append("```\n\n");
      try (Fleet fleet = new Fleet(setup, work.resolve(scenario.name()), progress)) {
        Outcome outcome = scenario.run(fleet);
        sections.append(outcome.markdown());
        for (Outcome.Goal goal : outcome.goals()) {
          goals.row(scenario.name(), goal.what(), goal.measured(), goal.met() ? "yes" : "**no**");
          allMet &= goal.met();
          progress.printf(
              "  %s: %s (%s)%n", goal.met() ? "met" : "NOT MET", goal.what(), goal.measured());
        }
      } catch (Exception e) {
        // One scenario that cannot run (a server that does not start) must not hide the others.
        progress.println("scenario " + scenario.name() + " could not run:");
        e.printStackTrace(progress);
        sections.append("**Could not run:** `").append(e).append("`\n");
        goals.row(scenario.name(), "runs to the end", "error: " + e, "**no**");
        allMet = false;
      }
    }
    String markdown =
        "## Reliability scenarios\n\n"
            + environment()
            + "\n"
            + goals
            + "\nLogs and the files each gateway read are under `"
            + work
            + "/<scenario>/`.\n"
            + sections;
    suite.print(markdown);
    if (suite.out() != null) {
      progress.println("results written to " + suite.out());
    }
    return allMet ? 0 : 1;
  }

  /** Every scenario by name, in the order they run by default. */
  static Map<String, Scenario> scenarios(double capacity) {
    Map<String, Scenario> all = new LinkedHashMap<>();
    for (Scenario scenario :
        List.of(
            new Scenario(
                "kill9-canary", GatewayConfigs.CANARY, Kill9Canary.DESCRIPTION, new Kill9Canary()),
            new Scenario(
                "dead-endpoint",
                GatewayConfigs.DEAD_ENDPOINT,
                DeadEndpoint.DESCRIPTION,
                new DeadEndpoint()),
            new Scenario(
                "stalled-canary",
                GatewayConfigs.STALLED_CANARY,
                StalledCanary.DESCRIPTION,
                new StalledCanary()),
            new Scenario(
                "invalid-argument",
                GatewayConfigs.CANARY,
                InvalidArgument.DESCRIPTION,
                new InvalidArgument()),
            new Scenario("all-down", GatewayConfigs.CANARY, AllDown.DESCRIPTION, new AllDown()),
            new Scenario(
                "overload",
                GatewayConfigs.OVERLOAD,
                Overload.describe(capacity),
                new Overload(capacity)),
            new Scenario(
                "reload-under-load",
                GatewayConfigs.RELOAD,
                ReloadUnderLoad.DESCRIPTION,
                new ReloadUnderLoad()))) {
      all.put(scenario.name(), scenario);
    }
    return all;
  }

  private String environment() throws IOException {
    Table table = suite.environment("RELIABILITY_BENCH_COMMAND");
    table.row(
        "machine",
        Runtime.getRuntime().availableProcessors() + " CPUs, " + Suite.cpuModel() + ", no pinning");
    table.row("JVM", jvms.describe());
    return table.toString();
  }

  /** The names {@code --help} lists. */
  static final class ScenarioNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    ScenarioNames() {
      super(scenarios(0).keySet());
    }
  }
}
