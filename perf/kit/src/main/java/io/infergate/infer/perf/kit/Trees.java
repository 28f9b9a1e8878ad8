package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directory trees copied and deleted whole: the suites give each model server its own repository
 * holding a copy of a trained version (a model server refuses a version that a symlink leads out of
 * its repository; a digits version is about a hundred kilobytes).
 */
public final class Trees {
  private Trees() {}

  /** Copies {@code source} and everything under it to {@code target}, which must not exist. */
  public static void copy(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Files.copy(path, target.resolve(source.relativize(path).toString()));
      }
    }
  }

  /** Deletes {@code root} and everything under it. */
  public static void delete(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
