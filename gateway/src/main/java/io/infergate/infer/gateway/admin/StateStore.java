package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.infergate.infer.router.release.Gates;
import io.infergate.infer.router.release.Ramp;
import io.infergate.infer.router.release.RampPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The committed routing state in {@code STATE_DIR/state.json}, replaced whole by write-temp, fsync,
 * rename, fsync of the directory: a crash at any instant leaves the old file or the new one, never
 * a torn one, and a rename that returned survives a power cut.
 */
final class StateStore {
  static final String FILE = "state.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path file;

  StateStore(Path dir) throws IOException {
    this.dir = requireNonNull(dir, "dir");
    this.file = dir.resolve(FILE);
    Files.createDirectories(dir);
    // A crash between a temp file's creation and its rename leaves it behind: never read, so gone.
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, ".state*.tmp")) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
      }
    }
  }

  /** The committed state, or null before the first write. */
  SavedState read() throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    return JSON.readValue(file.toFile(), SavedState.class);
  }

  /** Commits {@code state}: when this returns, a restart reads it. */
  void write(SavedState state) throws IOException {
    Path temp = Files.createTempFile(dir, ".state", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(state));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    // The rename lives in the directory's entries: sync them too (Linux allows opening a
    // directory).
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  /**
   * What is committed.
   *
   * @param revision of the routing state
   * @param routes the API's weights by model; models the API has not changed are absent
   * @param ramps each route's ramp, active or ended, by model
   * @param audited the audit entries of this revision: if a crash came between this commit and
   *     their append, the log is behind, and opening it again appends them
   */
  record SavedState(
      long revision,
      Map<String, SavedRoute> routes,
      Map<String, SavedRamp> ramps,
      List<AuditRecord> audited) {
    SavedState {
      routes = routes == null ? Map.of() : Map.copyOf(routes);
      ramps = ramps == null ? Map.of() : Map.copyOf(ramps);
      audited = audited == null ? List.of() : List.copyOf(audited);
    }
  }

  /**
   * One route's API weights.
   *
   * @param fileWeights the file's weights when the API set {@code weights}: while the file still
   *     has these, the API's weights win; once the file's own weights change, the file's win
   * @param weights by variant name
   */
  record SavedRoute(Map<String, Integer> fileWeights, Map<String, Integer> weights) {}

  /** A {@link Ramp} as JSON: durations in milliseconds, instants as ISO-8601. */
  record SavedRamp(
      String canary,
      String stable,
      List<Integer> steps,
      long holdMillis,
      double maxFailureRateIncrease,
      double maxP50Ratio,
      double maxP99Ratio,
      long minLatencyIncreaseMillis,
      int minCalls,
      long windowSeconds,
      int breachesToRollBack,
      String phase,
      int step,
      String stepSince,
      String detail) {
    static SavedRamp of(Ramp ramp) {
      RampPlan plan = ramp.plan();
      Gates gates = plan.gates();
      return new SavedRamp(
          plan.canary(),
          plan.stable(),
          plan.steps(),
          plan.hold().toMillis(),
          gates.maxFailureRateIncrease(),
          gates.maxP50Ratio(),
          gates.maxP99Ratio(),
          gates.minLatencyIncrease().toMillis(),
          gates.minCalls(),
          gates.window().toSeconds(),
          gates.breachesToRollBack(),
          ramp.phase().name(),
          ramp.step(),
          ramp.stepSince().toString(),
          ramp.detail());
    }

    Ramp ramp() {
      Gates gates =
          new Gates(
              maxFailureRateIncrease,
              maxP50Ratio,
              maxP99Ratio,
              Duration.ofMillis(minLatencyIncreaseMillis),
              minCalls,
              Duration.ofSeconds(windowSeconds),
              breachesToRollBack);
      RampPlan plan = new RampPlan(canary, stable, steps, Duration.ofMillis(holdMillis), gates);
      return new Ramp(plan, Ramp.Phase.valueOf(phase), step, Instant.parse(stepSince), detail);
    }
  }
}
