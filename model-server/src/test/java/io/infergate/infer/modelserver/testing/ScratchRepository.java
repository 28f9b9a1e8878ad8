package io.infergate.infer.modelserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A model repository a test changes while a server watches it, the way a release manager would:
 * versions are copied into a hidden staging directory and renamed into place in one step.
 */
public final class ScratchRepository {
  private final Path root;

  private ScratchRepository(Path root) {
    this.root = root;
  }

  /** An empty repository in a new directory under {@code parent}. */
  public static ScratchRepository create(Path parent) throws IOException {
    return new ScratchRepository(Files.createTempDirectory(parent, "repo-"));
  }

  public Path root() {
    return root;
  }

  /**
   * Publishes {@code source} (a SavedModel directory) as {@code model}'s version {@code version}.
   */
  public void publish(String model, long version, Path source) {
    publish(model, version, source, staging -> {});
  }

  /** As {@link #publish(String, long, Path)}, with {@code edit} applied to the copy first. */
  public void publish(String model, long version, Path source, StagingEdit edit) {
    Path modelDir = root.resolve(model);
    Path staging = modelDir.resolve(".staging-" + version);
    try {
      Files.createDirectories(modelDir);
      copyTree(source, staging);
      edit.apply(staging);
      Files.move(staging, modelDir.resolve(Long.toString(version)), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A change to a staged version directory before it is published. */
  @FunctionalInterface
  public interface StagingEdit {
    void apply(Path staging) throws IOException;
  }

  /** Publishes a version directory that is not a SavedModel TensorFlow can load. */
  public void publishBroken(String model, long version) {
    Path modelDir = root.resolve(model);
    Path staging = modelDir.resolve(".staging-" + version);
    try {
      Files.createDirectories(staging);
      Files.write(staging.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      Files.move(staging, modelDir.resolve(Long.toString(version)), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces a version directory's contents in one step (a fixed re-upload). */
  public void replace(String model, long version, Path source) {
    remove(model, version);
    publish(model, version, source);
  }

  /** Deletes a version directory. */
  public void remove(String model, long version) {
    deleteTree(root.resolve(model).resolve(Long.toString(version)));
  }

  /** Writes {@code model}'s {@code model.yaml} (atomically, as an editor's save would land). */
  public void writeConfig(String model, String yaml) {
    Path modelDir = root.resolve(model);
    try {
      Files.createDirectories(modelDir);
      Path staging = modelDir.resolve(".model.yaml.tmp");
      Files.writeString(staging, yaml);
      Files.move(staging, modelDir.resolve("model.yaml"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies {@code source} and everything under it to {@code target} (a version directory). */
  public static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> tree = Files.walk(source)) {
      for (Path path : (Iterable<Path>) tree::iterator) {
        Path copy = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
