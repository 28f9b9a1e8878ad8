package io.infergate.infer.gateway.admin.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's page, script and style, read once from the jar at start: plain files under {@code
 * /console/} in the resources, so the console needs no front-end build.
 */
final class ConsoleAssets {
  private final Map<String, Asset> byPath;

  private ConsoleAssets(Map<String, Asset> byPath) {
    this.byPath = byPath;
  }

  /**
   * Reads the assets.
   *
   * @throws IllegalStateException naming a resource the jar lacks
   */
  static ConsoleAssets load() {
    return new ConsoleAssets(
        Map.of(
            "/", read("index.html", "text/html; charset=utf-8"),
            "/console.js", read("console.js", "text/javascript; charset=utf-8"),
            "/console.css", read("console.css", "text/css; charset=utf-8")));
  }

  /** The asset served at {@code path}, or null. */
  Asset at(String path) {
    return byPath.get(path);
  }

  private static Asset read(String name, String contentType) {
    String resource = "/console/" + name;
    try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + ": not in the jar");
      }
      return new Asset(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(resource + ": cannot read", e);
    }
  }

  /** A file and its content type. */
  record Asset(String contentType, byte[] bytes) {}
}
