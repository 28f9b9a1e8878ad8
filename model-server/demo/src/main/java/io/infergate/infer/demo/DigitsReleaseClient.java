package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's release: while calls flow through the gateway, publishes a new version into a model
 * server's repository the way a release manager would (copied to a hidden staging directory,
 * renamed into place) and reports which variant and version answered, and that no call failed.
 */
@Command(
    name = "digits-release-client",
    description = "Publishes a new digits version under load and tallies who answered.")
public final class DigitsReleaseClient extends DigitsClient {
  private static final int THREADS = 4;

  @Option(names = "--model-dir", required = true, description = "the served <repo>/digits dir")
  Path modelDir;

  @Option(names = "--source", required = true, description = "SavedModel dir to publish")
  Path source;

  @Option(names = "--model-version", required = true, description = "version number to publish as")
  long version;

  @Option(names = "--calls", defaultValue = "400", description = "calls before and after (400)")
  int calls;

  private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean running = true;
  private volatile String published = "";
  private CountDownLatch before;
  private CountDownLatch after;
  private final CountDownLatch newVersionAnswered = new CountDownLatch(1);

  public static void main(String[] args) {
    DigitsCalls.run(new DigitsReleaseClient(), args);
  }

  @Override
  public Integer call() throws Exception {
    DigitsDataset heldOut = DigitsCalls.heldOut();
    before = new CountDownLatch(calls);
    after = new CountDownLatch(calls);
    ManagedChannel channel = plaintextChannel();
    Thread[] senders = new Thread[THREADS];
    for (int i = 0; i < THREADS; i++) {
      senders[i] = new Thread(() -> send(channel, heldOut), "release-client-" + i);
      senders[i].start();
    }
    boolean swapped = false;
    try {
      before.await();
      published = "canary;version=" + version;
      publish();
      System.out.printf(
          "published %s as version %d at %s/%d (staged, then renamed)%n",
          source, version, modelDir, version);
      swapped = newVersionAnswered.await(30, TimeUnit.SECONDS);
      if (swapped) {
        after.await(60, TimeUnit.SECONDS);
      }
    } finally {
      running = false;
      for (Thread sender : senders) {
        sender.join();
      }
      DigitsCalls.close(channel);
    }
    System.out.printf(
        "sent %d calls through the gateway at %s while releasing%n", sent.get(), target);
    new TreeMap<>(answers)
        .forEach(
            (variant, count) ->
                System.out.printf("  x-variant %-18s %6d calls%n", variant, count.get()));
    long failed = failures.values().stream().mapToLong(AtomicLong::get).sum();
    System.out.printf("  failed calls: %d %s%n", failed, failed == 0 ? "" : failures);
    if (!swapped) {
      System.out.println("  version " + version + " never answered within 30 s");
    }
    return failed == 0 && swapped ? 0 : 1;
  }

  private void send(ManagedChannel channel, DigitsDataset heldOut) {
    var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    while (running) {
      int row = (int) (sent.getAndIncrement() % heldOut.size());
      try {
        String variant = DigitsCalls.throughGateway(stub, heldOut.pixels(row)).variant();
        answers.computeIfAbsent(variant, v -> new AtomicLong()).incrementAndGet();
        if (published.equals(variant)) {
          newVersionAnswered.countDown();
        }
      } catch (StatusRuntimeException e) {
        failures
            .computeIfAbsent(e.getStatus().getCode().name(), c -> new AtomicLong())
            .incrementAndGet();
      }
      // Counts calls before the release, then calls after the new version first answered.
      (newVersionAnswered.getCount() == 0 ? after : before).countDown();
    }
  }

  /** Copies the SavedModel beside the versions under a hidden name, then renames it into place. */
  private void publish() throws IOException {
    Path staging = modelDir.resolve(".staging-" + version);
    try (Stream<Path> tree = Files.walk(source)) {
      // Parents come first; Files.copy of a directory creates it empty, ready for its files.
      for (Path path : tree.toList()) {
        Files.copy(path, staging.resolve(source.relativize(path).toString()));
      }
    }
    Files.move(staging, modelDir.resolve(Long.toString(version)), StandardCopyOption.ATOMIC_MOVE);
  }
}
