package io.infergate.infer.perf.loadtest;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a .proto file with the real protoc into a descriptor set, as ghz does with its own
 * parser: the import paths, then the file's directory, then the working directory, then protobuf's
 * well-known types (taken from the protobuf-java jar, since protoc's Maven artifact ships without
 * its include directory).
 */
final class Protoc {
  private static final String[] WELL_KNOWN = {
    "any",
    "api",
    "descriptor",
    "duration",
    "empty",
    "field_mask",
    "source_context",
    "struct",
    "timestamp",
    "type",
    "wrappers"
  };

  private Protoc() {}

  static FileDescriptorSet compile(Path proto, List<String> importPaths) {
    if (!Files.isRegularFile(proto)) {
      throw new UsageException("--proto " + proto + ": no such file");
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("loadtest-protoc");
      Path wkt = work.resolve("include");
      extractWellKnownTypes(wkt);
      Path out = work.resolve("descriptors.pb");
      Set<Path> includes = new LinkedHashSet<>();
      for (String p : importPaths) {
        if (!p.isBlank()) {
          includes.add(Path.of(p.trim()).toAbsolutePath().normalize());
        }
      }
      Path absolute = proto.toAbsolutePath().normalize();
      boolean covered = includes.stream().anyMatch(absolute::startsWith);
      if (!covered) {
        includes.add(absolute.getParent());
      }
      Path cwd = Path.of("").toAbsolutePath();
      if (includes.stream().noneMatch(cwd::startsWith) && !absolute.startsWith(cwd)) {
        includes.add(cwd);
      }
      includes.add(wkt);
      List<String> cmd = new ArrayList<>();
      cmd.add(executable());
      cmd.add("--include_imports");
      cmd.add("--descriptor_set_out=" + out);
      for (Path i : includes) {
        cmd.add("-I" + i);
      }
      cmd.add(absolute.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UsageException("protoc did not finish in 60 s on " + proto);
      }
      if (p.exitValue() != 0) {
        throw new UsageException("cannot compile " + proto + ":\n" + output);
      }
      return FileDescriptorSet.parseFrom(Files.readAllBytes(out));
    } catch (IOException e) {
      throw new IllegalStateException("running protoc on " + proto + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running protoc", e);
    } finally {
      deleteQuietly(work);
    }
  }

  /** The protoc to run: -Dloadtest.protoc, $LOADTEST_PROTOC, else protoc on the PATH. */
  static String executable() {
    String configured = System.getProperty("loadtest.protoc");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("LOADTEST_PROTOC");
    }
    if (configured == null || configured.isBlank()) {
      return "protoc";
    }
    Path path = Path.of(configured);
    if (Files.isRegularFile(path)
        && !Files.isExecutable(path)
        && !path.toFile().setExecutable(true)) {
      throw new IllegalStateException("cannot make " + path + " executable");
    }
    return path.toString();
  }

  private static void extractWellKnownTypes(Path dir) throws IOException {
    Path target = dir.resolve("google/protobuf");
    Files.createDirectories(target);
    for (String name : WELL_KNOWN) {
      try (InputStream in =
          FileDescriptorSet.class.getResourceAsStream("/google/protobuf/" + name + ".proto")) {
        if (in != null) {
          Files.write(target.resolve(name + ".proto"), in.readAllBytes());
        }
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory is harmless; the run's result does not depend on it.
      dir.toFile().deleteOnExit();
    }
  }
}
