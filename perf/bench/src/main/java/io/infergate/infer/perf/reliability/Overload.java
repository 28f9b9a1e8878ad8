package io.infergate.infer.perf.reliability;

import static io.infergate.infer.perf.kit.Table.fixed;
import static io.infergate.infer.perf.kit.Table.whole;

import io.grpc.Status;
import io.infergate.infer.perf.OpenLoopLoad;
import io.infergate.infer.perf.kit.ChildProcess;
import io.infergate.infer.perf.kit.ClosedLoop;
import io.infergate.infer.perf.kit.Table;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Three times what one model server can answer, open loop, through the gateway: the excess must be
 * turned away quickly (RESOURCE_EXHAUSTED with a {@code grpc-retry-pushback-ms} trailer that tells
 * well-behaved clients when to come back), the calls let in must stay fast, and the gateway must
 * neither grow without bound nor die.
 */
final class Overload implements Scenario.Script {
  private static final double FACTOR = 3;
  private static final double SECONDS = 15;
  private static final int PROBE_CONCURRENCY = 64;
  private static final long PROBE_SECONDS = 5;
  private static final long RSS_SAMPLE_MILLIS = 100;

  private final double capacityFlag;

  /**
   * @param capacity the model server's capacity in calls/s; 0 to measure it
   */
  Overload(double capacity) {
    this.capacityFlag = capacity;
  }

  /** What it does for a model server of {@code capacity} calls/s (0: measured). */
  static String describe(double capacity) {
    return "One model server A (digits v2) behind `stable`; its capacity "
        + (capacity > 0
            ? "given by `--capacity` (" + whole(capacity) + " calls/s)"
            : "measured directly (closed loop, "
                + PROBE_CONCURRENCY
                + " in flight, 1 s warm-up + "
                + PROBE_SECONDS
                + " s)")
        + ", then "
        + fixed(FACTOR, 0)
        + "× that open loop through the gateway (after a 10 s warm-up ramp to half the capacity) for "
        + fixed(SECONDS, 0)
        + " s, no deadline. Goals: the gateway neither dies nor logs an OutOfMemoryError;"
        + " RESOURCE_EXHAUSTED answers carry `grpc-retry-pushback-ms`. Reported: OK and"
        + " RESOURCE_EXHAUSTED counts, who shed (the sample message), admitted calls' p99, the"
        + " gateway's largest RSS.";
  }

  @Override
  public Outcome run(Fleet fleet) throws Exception {
    ChildProcess a = fleet.modelServer("A", 2, 0);
    double capacity = capacityFlag > 0 ? capacityFlag : probe(fleet, a);
    ChildProcess gateway = fleet.gateway(GatewayConfigs.OVERLOAD, Map.of("A", a.address()));
    double rate = FACTOR * capacity;
    byte[] body = DigitsRequests.valid().toByteArray();
    OpenLoopPhase.warmUp(gateway.address(), body, capacity / 2, 0, fleet.progress());
    fleet
        .progress()
        .printf("  capacity %.0f calls/s; %.0f calls/s for %s s%n", capacity, rate, SECONDS);

    List<Long> rssKib = new ArrayList<>();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted() && gateway.isAlive()) {
                synchronized (rssKib) {
                  rssKib.add(gateway.rssKib());
                }
                try {
                  Thread.sleep(RSS_SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    long rssBefore = gateway.rssKib();
    sampler.start();
    long origin = OpenLoopPhase.origin(0);
    CallTally tally = new CallTally(origin);
    OpenLoopLoad.Result result;
    try {
      result = OpenLoopPhase.run(gateway.address(), body, rate, origin, 0, SECONDS, 0, tally);
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    long rssMax;
    synchronized (rssKib) {
      rssMax = rssKib.stream().mapToLong(Long::longValue).max().orElse(rssBefore);
    }
    boolean alive = gateway.isAlive();
    String log = Files.readString(gateway.log());
    boolean outOfMemory = log.contains("OutOfMemoryError");

    CallTally.Summary summary = tally.summary();
    long exhausted = summary.count(Status.Code.RESOURCE_EXHAUSTED);
    Table facts = new Table("what", "value");
    facts.row(
        "model server capacity",
        whole(capacity) + " calls/s" + (capacityFlag > 0 ? " (flag)" : " (measured)"));
    facts.row("requested rate", whole(rate) + " calls/s");
    facts.row(
        "not sent",
        whole(summary.notSent())
            + " (due while "
            + whole(OpenLoopPhase.MAX_OUTSTANDING)
            + " calls were outstanding, the generator's cap; counted as failed)");
    facts.row(
        "sent",
        whole(result.sent())
            + " in "
            + fixed(result.seconds(), 1)
            + " s ("
            + whole(result.sent() / result.seconds())
            + " calls/s; late calls were sent late, timed from when they were due)");
    facts.row(
        "OK (admitted and answered)",
        whole(summary.ok()) + " (" + whole(summary.ok() / SECONDS) + " calls/s)");
    facts.row("RESOURCE_EXHAUSTED", whole(exhausted));
    facts.row(
        "… with `grpc-retry-pushback-ms`",
        whole(summary.exhaustedWithPushback())
            + (summary.pushbackSample() == null
                ? ""
                : " (e.g. " + summary.pushbackSample() + " ms)"));
    facts.row(
        "OK calls' p50 / p99 / max",
        fixed(summary.okMillis(50), 1)
            + " / "
            + fixed(summary.okMillis(99), 1)
            + " / "
            + fixed(summary.okMillis(100), 1)
            + " ms");
    facts.row(
        "gateway RSS before / max",
        whole(rssBefore / 1024.0)
            + " / "
            + whole(rssMax / 1024.0)
            + " MiB (every "
            + RSS_SAMPLE_MILLIS
            + " ms)");
    facts.row(
        "gateway alive after, OutOfMemoryError in its log",
        (alive ? "alive" : "DEAD") + ", " + (outOfMemory ? "yes" : "no"));
    String out =
        TallyTables.summary(List.of("t=0–" + fixed(SECONDS, 0) + " s"), List.of(summary))
            + "\n"
            + facts
            + "\n"
            + TallyTables.descriptions(summary)
            + TallyTables.perSecondSection(summary.seconds(), List.of("stable"));
    return new Outcome(
        out,
        List.of(
            new Outcome.Goal(
                "gateway alive, no OutOfMemoryError",
                (alive ? "alive" : "dead")
                    + ", OOM "
                    + (outOfMemory ? "yes" : "no")
                    + ", RSS max "
                    + whole(rssMax / 1024.0)
                    + " MiB",
                alive && !outOfMemory),
            new Outcome.Goal(
                "RESOURCE_EXHAUSTED answers carry grpc-retry-pushback-ms",
                summary.exhaustedWithPushback() + " of " + exhausted + shedBy(summary),
                exhausted > 0 && summary.exhaustedWithPushback() == exhausted)));
  }

  /** The model server's closed-loop throughput, called directly, after a 1 s warm-up. */
  private static double probe(Fleet fleet, ChildProcess server) throws InterruptedException {
    fleet
        .progress()
        .printf("  probing capacity: %d in flight for %d s%n", PROBE_CONCURRENCY, PROBE_SECONDS);
    try (ClosedLoop loop = ClosedLoop.to(server.port(), DigitsRequests.valid())) {
      loop.start(PROBE_CONCURRENCY);
      TimeUnit.SECONDS.sleep(1);
      long before = loop.calls() - loop.failedCalls();
      long start = System.nanoTime();
      TimeUnit.SECONDS.sleep(PROBE_SECONDS);
      long ok = loop.calls() - loop.failedCalls() - before;
      double seconds = (System.nanoTime() - start) / 1e9;
      loop.stop(Duration.ofSeconds(10));
      return ok / seconds;
    }
  }

  /** Who answered RESOURCE_EXHAUSTED, from the first description: the gateway or a model server. */
  private static String shedBy(CallTally.Summary summary) {
    var descriptions = summary.descriptions().get(Status.Code.RESOURCE_EXHAUSTED);
    if (descriptions == null || descriptions.isEmpty()) {
      return "";
    }
    String first = descriptions.keySet().iterator().next();
    return "; e.g. `" + (first.length() > 60 ? first.substring(0, 60) + "…" : first) + "`";
  }
}
