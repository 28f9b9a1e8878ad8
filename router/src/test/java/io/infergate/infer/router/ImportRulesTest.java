package io.infergate.infer.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The router stays pure logic: its main code imports nothing of gRPC, Netty or protobuf. */
class ImportRulesTest {
  private static final Pattern FORBIDDEN =
      Pattern.compile("^import (static )?(io\\.grpc|io\\.netty|com\\.google\\.protobuf)\\.");

  @Test
  void mainCodeImportsNoTransportOrWireTypes() throws IOException {
    List<String> offending;
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      offending =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .flatMap(ImportRulesTest::forbiddenImports)
              .toList();
    }

    assertThat(offending).isEmpty();
  }

  private static Stream<String> forbiddenImports(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> FORBIDDEN.matcher(line).find())
          .map(line -> file + ": " + line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
