package io.infergate.infer.modelserver.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * A cheap summary of a directory tree (file count, total size, newest modification time) that
 * changes whenever a file in it is added, removed, grown or rewritten.
 */
final class Fingerprints {
  private Fingerprints() {}

  /** The fingerprint of {@code dir}; unique (so never "unchanged") when it cannot be read. */
  static String of(Path dir) {
    if (dir == null) {
      return "absent";
    }
    long files = 0;
    long bytes = 0;
    long newest = 0;
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) tree::iterator) {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (attributes.isRegularFile()) {
          files++;
          bytes += attributes.size();
        }
        newest = Math.max(newest, attributes.lastModifiedTime().toMillis());
      }
    } catch (IOException | UncheckedIOException e) {
      return "unreadable@" + System.nanoTime();
    }
    return files + " files, " + bytes + " bytes, modified " + newest;
  }
}
