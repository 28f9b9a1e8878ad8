package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.infergate.infer.observability.config.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/replay}: sends the held-out digits to a model server (or a gateway) at a fixed rate,
 * bent as asked, so that its data-quality and drift monitoring can be watched reacting.
 */
@Command(
    name = "replay",
    description =
        "Replays the held-out digits at a rate, with controllable drift, to watch model monitoring.")
public final class DigitsReplay extends DigitsClient {
  @Mixin TlsOptions tls;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      defaultValue = "digits",
      description = "model name (default digits)")
  String model;

  @Option(
      names = "--model-version",
      paramLabel = "VERSION",
      defaultValue = "",
      description = "version or label (default: the newest served)")
  String version;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "50",
      description = "calls per second (default 50)")
  double rate;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description = "how long to send, e.g. 30s, 2m (default 30s)")
  String duration;

  @Option(
      names = "--rows-per-call",
      paramLabel = "N",
      defaultValue = "8",
      description = "digits per call (default 8: 512 values)")
  int rowsPerCall;

  @Option(
      names = "--shift",
      paramLabel = "N",
      defaultValue = "0",
      description = "added to every pixel intensity (0..16), not clamped")
  float shift;

  @Option(
      names = "--noise",
      paramLabel = "S",
      defaultValue = "0",
      description = "standard deviation of Gaussian noise added to every pixel, clamped to 0..16")
  float noise;

  @Option(
      names = "--only-classes",
      paramLabel = "CLASSES",
      description = "send only digits of these classes, e.g. 0-4 or 1,7")
  String onlyClasses;

  @Option(
      names = "--out-of-range-share",
      paramLabel = "SHARE",
      defaultValue = "0",
      description = "share of each call's values set to 17, outside the training range, e.g. 0.02")
  double outOfRangeShare;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "random seed (default 1)")
  long seed;

  public static void main(String[] args) {
    DigitsCalls.run(new DigitsReplay(), args);
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    Duration length = Durations.parse(duration);
    ReplayDrift drift =
        new ReplayDrift(
            shift,
            noise,
            onlyClasses == null ? ReplayDrift.allClasses() : ReplayDrift.parseClasses(onlyClasses),
            outOfRangeShare,
            rowsPerCall,
            seed);
    ManagedChannel channel = channel(tls);
    Replay.Counts counts;
    try {
      Replay replay =
          Replay.start(channel, drift.requests(DigitsCalls.heldOut(), model, version), rate);
      new CountDownLatch(1).await(length.toNanos(), TimeUnit.NANOSECONDS);
      replay.close();
      counts = replay.counts();
    } finally {
      DigitsCalls.close(channel);
    }
    System.out.printf(
        "replayed %d calls (%d digits each) to %s in %s: %d answered, %d failed%n"
            + "  drift: shift %s, noise %s, classes %s, out-of-range share %s%n"
            + "  predicted classes 0..9: %s%n",
        counts.sent(),
        rowsPerCall,
        target,
        Durations.format(length),
        counts.answered(),
        counts.failed(),
        shift,
        noise,
        onlyClasses == null ? "0-9" : onlyClasses,
        outOfRangeShare,
        Arrays.toString(counts.predicted()));
    return counts.failed() == 0 ? 0 : 1;
  }
}
