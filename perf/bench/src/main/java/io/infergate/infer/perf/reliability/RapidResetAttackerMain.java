package io.infergate.infer.perf.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@link RapidResetAttacker}s in a process of their own, so that a benchmark's callers and the
 * attack never share a JVM (its heap, its GC, its CPU accounting) and each can be pinned apart with
 * {@code taskset}. It says {@value #READY} and the target once attacking, and attacks until it is
 * stopped (SIGTERM); then it prints one {@value #TOTALS} line with what it did, for {@link
 * RapidResetBench} to read from its log.
 */
@Command(
    name = "rapid-reset-attacker",
    description = "HTTP/2 Rapid Reset (HEADERS + RST_STREAM) against a gRPC server until stopped.")
public final class RapidResetAttackerMain implements Callable<Integer> {
  /** Printed, followed by the target, once the attackers have started. */
  static final String READY = "attacking ";

  /** Printed when stopped, followed by {@code key=value} counts (see {@link Totals#parse}). */
  static final String TOTALS = "attack totals:";

  @Mixin TargetFlag target;

  @Mixin AttackerCount attackers;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RapidResetAttackerMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    List<RapidResetAttacker> running = new ArrayList<>();
    for (int i = 0; i < attackers.count(); i++) {
      RapidResetAttacker attacker = new RapidResetAttacker(target.address());
      attacker.start();
      running.add(attacker);
    }
    // The counts are read after every attacker has stopped, so they are final.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.forEach(RapidResetAttacker::close);
                  System.out.println(Totals.of(running).line());
                  System.out.flush();
                },
                "attack-totals"));
    System.out.println(READY + target.address());
    System.out.flush();
    new CountDownLatch(1).await(); // until SIGTERM runs the hook
    return 0;
  }

  /** What the attackers did, summed: written by the attacker's process, read by the benchmark. */
  record Totals(long streams, long opened, long closed, long tooManyRstStreams) {
    static final Totals NONE = new Totals(0, 0, 0, 0);

    static Totals of(List<RapidResetAttacker> attackers) {
      Totals sum = NONE;
      for (RapidResetAttacker attacker : attackers) {
        sum = sum.plus(attacker.totals());
      }
      return sum;
    }

    Totals plus(Totals other) {
      return new Totals(
          streams + other.streams,
          opened + other.opened,
          closed + other.closed,
          tooManyRstStreams + other.tooManyRstStreams);
    }

    String line() {
      return TOTALS
          + " streams="
          + streams
          + " opened="
          + opened
          + " closed="
          + closed
          + " too_many_rststreams="
          + tooManyRstStreams;
    }

    /**
     * The totals in the last {@value #TOTALS} line of {@code log}; {@link #NONE} if it has none.
     */
    static Totals parse(List<String> log) {
      for (int i = log.size() - 1; i >= 0; i--) {
        String line = log.get(i);
        int at = line.indexOf(TOTALS);
        if (at < 0) {
          continue;
        }
        long[] values = new long[4];
        String[] keys = {"streams=", "opened=", "closed=", "too_many_rststreams="};
        for (String field : line.substring(at + TOTALS.length()).trim().split("\\s+")) {
          for (int k = 0; k < keys.length; k++) {
            if (field.startsWith(keys[k])) {
              values[k] = Long.parseLong(field.substring(keys[k].length()));
            }
          }
        }
        return new Totals(values[0], values[1], values[2], values[3]);
      }
      return NONE;
    }
  }
}
