package io.infergate.infer.observability.transport;

import io.infergate.infer.observability.config.Durations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PEM files behind one key or trust manager, read again on each {@link #refresh}: when their bytes
 * changed and the new ones make sense together, the manager gets the new material (it swaps it
 * atomically; connections already open keep theirs). Comparing bytes rather than modification times
 * also catches a file rewritten within the file system's time granularity, and a Kubernetes Secret
 * volume's symlink swap.
 */
abstract class PemFiles {
  private static final Logger log = LoggerFactory.getLogger(PemFiles.class);

  private final List<Path> files;
  private byte[][] applied;
  private byte[][] refused;

  PemFiles(Path... files) {
    this.files = List.of(files);
  }

  /**
   * Reads and applies the files the first time.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  final void load() {
    byte[][] contents = read();
    try {
      String what = apply(contents);
      applied = contents;
      log.info("TLS {} loaded from {}", what, files);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalArgumentException(files + ": " + e.getMessage(), e);
    }
  }

  /** Applies the files if they changed since the last time; logs what happened, never throws. */
  final void refresh() {
    byte[][] contents;
    try {
      contents = read();
    } catch (RuntimeException e) {
      log.warn(
          "TLS files {} could not be read; keeping the material in use: {}", files, e.getMessage());
      return;
    }
    if (Arrays.deepEquals(contents, applied) || Arrays.deepEquals(contents, refused)) {
      return;
    }
    try {
      String what = apply(contents);
      applied = contents;
      refused = null;
      log.info("TLS {} reloaded from {}", what, files);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      // Often a rotation caught half-way (a new certificate beside the old key): the next refresh
      // sees the rest. Said once per content, not every interval.
      refused = contents;
      log.warn("TLS files {} refused; keeping the material in use: {}", files, e.getMessage());
    }
  }

  /**
   * Parses {@code contents} (the files' bytes, in order) and hands them to the manager.
   *
   * @return what was loaded, for the log (such as the certificate's subject and expiry)
   */
  abstract String apply(byte[][] contents) throws GeneralSecurityException, IOException;

  private byte[][] read() {
    byte[][] contents = new byte[files.size()][];
    for (int i = 0; i < contents.length; i++) {
      try {
        contents[i] = Files.readAllBytes(files.get(i));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + files.get(i) + ": " + e, e);
      }
    }
    return contents;
  }

  static ByteArrayInputStream stream(byte[] content) {
    return new ByteArrayInputStream(content);
  }

  /** "CN=gateway, valid until 2027-01-05T10:00:00Z" for the log. */
  static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName()
        + ", valid until "
        + certificate.getNotAfter().toInstant();
  }

  /** Adds a problem if {@code file} is required and absent, or present and not readable. */
  static void checkReadable(List<String> problems, String key, Path file, boolean required) {
    if (file == null) {
      if (required) {
        problems.add(key + ": missing (expected: a PEM file)");
      }
    } else if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      problems.add(key + ": " + file + " (expected: a readable PEM file)");
    }
  }

  /** Adds a problem unless {@code interval} is in 0s..24h. */
  static void checkRefreshInterval(List<String> problems, Duration interval) {
    if (interval.isNegative() || interval.compareTo(Duration.ofDays(1)) > 0) {
      problems.add(
          "refreshInterval: " + Durations.format(interval) + " (expected: a duration in 0s..24h)");
    }
  }
}
