package io.infergate.infer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own code imports nothing of Netty (observability's transport owns the event loops)
 * and nothing of the model server, tests included.
 */
class ImportRulesTest {
  @Test
  void noNettyImportInMainCodeAndNoModelServerAnywhere() throws IOException {
    assertThat(imports(Path.of("src", "main", "java"), "import io.netty.")).isEmpty();
    assertThat(imports(Path.of("src"), "import io.infergate.infer.modelserver.")).isEmpty();
    assertThat(imports(Path.of("src"), "import io.infergate.infer.digits.")).isEmpty();
  }

  private static List<String> imports(Path root, String prefix) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(file -> file.toString().endsWith(".java"))
          .flatMap(
              file -> {
                try {
                  return Files.readAllLines(file).stream()
                      .filter(line -> line.startsWith(prefix))
                      .map(line -> file + ": " + line);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
