package io.infergate.infer.perf.reliability;

import io.infergate.infer.perf.kit.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The process {@link RapidResetBench} runs its attackers in ({@link RapidResetAttackerMain}), apart
 * from the callers' JVM: how many connections attack, on which CPUs and at what niceness ({@code
 * --attackers}, {@code --attacker-cpus}, {@code --attacker-nice}), and how it is started.
 */
final class AttackerProcess {
  @Mixin AttackerCount count;

  @Option(
      names = "--attacker-cpus",
      defaultValue = "1",
      description =
          "taskset list for the attackers' process; empty: none (default: ${DEFAULT-VALUE})")
  private String cpus;

  @Option(
      names = "--attacker-nice",
      defaultValue = "19",
      description =
          "the attackers' process's niceness, so that on a core it shares it takes only what the"
              + " others leave (default: ${DEFAULT-VALUE})")
  private int nice;

  /** How many connections attack at once. */
  int count() {
    return count.count();
  }

  /** Where it runs, as the environment table says it: {@code CPUs `1` at nice 19}. */
  String placement() {
    return "CPUs `" + cpus + "` at nice " + nice;
  }

  /**
   * Starts it against {@code target}, pinned and niced, logging to {@code log}; returns once it
   * says it is attacking.
   */
  ChildProcess start(List<String> jvmOptions, String classpath, String target, Path log)
      throws Exception {
    List<String> arguments = new ArrayList<>(List.of("--target", target));
    arguments.addAll(count.asArguments());
    List<String> command =
        ChildProcess.pinned(
            cpus,
            ChildProcess.java(
                jvmOptions, classpath, RapidResetAttackerMain.class.getName(), arguments));
    // nice execs taskset, which execs the JVM: the pid stays the JVM's, for its CPU time.
    List<String> niced = new ArrayList<>(List.of("nice", "-n", Integer.toString(nice)));
    niced.addAll(command);
    return ChildProcess.startAnnounced(
        "attacker", niced, log, RapidResetAttackerMain.READY, Duration.ofMinutes(1));
  }
}
