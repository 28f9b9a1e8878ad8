package io.infergate.infer.perf.soak;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import io.infergate.infer.perf.kit.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away model repository holding one model, published to as a release manager would: a new
 * version is copied into a hidden staging directory beside the versions and renamed into place in
 * one atomic step, so the server never sees half a SavedModel; old versions are deleted once the
 * new one answers.
 */
final class ScratchRepository {
  /** Keep only the newest version: each publish makes the server load one and unload one. */
  static final String MODEL_YAML = "versionPolicy:\n  latest: 1\n";

  private final Path root;
  private final Path model;
  private final List<Path> sources;
  private long latest;

  private ScratchRepository(Path root, Path model, List<Path> sources, long latest) {
    this.root = root;
    this.model = model;
    this.sources = List.copyOf(sources);
    this.latest = latest;
  }

  /**
   * Creates {@code <root>/<name>/} with its {@code model.yaml} and version 1, a copy of the first
   * source.
   *
   * @param sources SavedModel directories that versions copy in turn (version N gets source (N-1)
   *     mod size), so that consecutive versions really differ
   * @throws IOException if {@code <root>/<name>} already exists or cannot be written
   */
  static ScratchRepository create(Path root, String name, List<Path> sources) throws IOException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("sources: empty (expected: SavedModel directories)");
    }
    Path model = root.resolve(name);
    Files.createDirectories(root);
    Files.createDirectory(model);
    Files.writeString(model.resolve("model.yaml"), MODEL_YAML, UTF_8);
    Trees.copy(sources.get(0), model.resolve("1"));
    return new ScratchRepository(root, model, sources, 1);
  }

  /** The repository root, the server's {@code --models}. */
  Path root() {
    return root;
  }

  /** The newest version published. */
  long latest() {
    return latest;
  }

  /**
   * Copies the next version into {@code <model>/.staging-N}, a name the server ignores; the slow
   * part of a publish, done before the clock of the swap starts.
   */
  Staged stage() throws IOException {
    long version = latest + 1;
    Path staging = model.resolve(".staging-" + version);
    Trees.copy(sources.get((int) ((version - 1) % sources.size())), staging);
    return new Staged(version, staging);
  }

  /** Renames a staged version into place: from here on the server may find it. */
  void publish(Staged staged) throws IOException {
    Files.move(staged.directory(), model.resolve(Long.toString(staged.version())), ATOMIC_MOVE);
    latest = staged.version();
  }

  /** Deletes every version directory older than {@code version}; returns the versions deleted. */
  List<Long> deleteOlderThan(long version) throws IOException {
    List<Long> deleted = new ArrayList<>();
    try (Stream<Path> entries = Files.list(model)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (name.matches("[0-9]{1,18}") && Long.parseLong(name) < version) {
          Trees.delete(entry);
          deleted.add(Long.parseLong(name));
        }
      }
    }
    deleted.sort(null);
    return deleted;
  }

  /** A complete copy of version {@code version} waiting in {@code directory}. */
  record Staged(long version, Path directory) {}
}
