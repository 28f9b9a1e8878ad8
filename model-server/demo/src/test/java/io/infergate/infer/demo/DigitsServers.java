package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.infergate.infer.digits.DigitsDataset;
import io.infergate.infer.modelserver.testing.RunningServer;
import io.infergate.infer.modelserver.testing.TestRepository;
import io.infergate.infer.proto.oip.v2.GRPCInferenceServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Real TensorFlow model servers behind a real gateway for the end-to-end tests: each server serves
 * one version of digits, the gateway's file routes {@code digits} to them, and held-out digits are
 * classified through it.
 */
final class DigitsServers {
  /** The header in which the gateway names the variant that answered. */
  static final Metadata.Key<String> X_VARIANT =
      Metadata.Key.of("x-variant", Metadata.ASCII_STRING_MARSHALLER);

  private DigitsServers() {}

  /** A model server whose repository holds only {@code digits/<version>} (a copy: ~30 KB). */
  static RunningServer version(int version, Path scratch) throws Exception {
    return RunningServer.start(repository(version, scratch));
  }

  /** Digits v1 and v2, each on a model server of its own, as a gateway's two variants. */
  static BothVersions bothVersions(Path scratch) throws Exception {
    RunningServer v1 = version(1, scratch);
    try {
      return new BothVersions(v1, version(2, scratch));
    } catch (Exception | Error e) {
      v1.close();
      throw e;
    }
  }

  /** A new repository in {@code scratch} holding a copy of {@code digits/<version>} only. */
  static Path repository(int version, Path scratch) throws Exception {
    Path repository = Files.createTempDirectory(scratch, "repo-v" + version);
    Path source = TestRepository.shared().resolve("digits").resolve(Integer.toString(version));
    Path target = repository.resolve("digits").resolve(Integer.toString(version));
    Files.createDirectories(target.getParent());
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, target.resolve(source.relativize(file).toString()));
      }
    }
    return repository;
  }

  /**
   * Writes the gateway's file in {@code dir}: listening on a free loopback port, reload checked
   * every 50 ms, one route for {@code digits} whose variants are given as {@code name weight port}
   * or, for a variant of several servers, {@code name weight port,port,...}.
   */
  static Path config(Path dir, String... variants) throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            "host: 127.0.0.1\nport: 0\nreloadCheckInterval: 50ms\ndrainTimeout: 5s\nroutes:\n"
                + "  - model: digits\n    overrideHeader: x-variant-override\n    overrideAllow: {anyCaller: true}\n    variants:\n");
    for (String variant : variants) {
      String[] parts = variant.split(" ");
      String endpoints = "\"127.0.0.1:" + parts[2].replace(",", "\", \"127.0.0.1:") + "\"";
      yaml.append(
          "      - {name: %s, weight: %s, endpoints: [%s]}\n"
              .formatted(parts[0], parts[1], endpoints));
    }
    // Renamed into place, as Kubernetes swaps config maps: a watcher never reads half a file.
    Path next = Files.createTempFile(dir, ".next", ".yaml");
    Files.writeString(next, yaml);
    return Files.move(
        next,
        dir.resolve("gateway.yaml"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Classifies held-out digit {@code row} through the gateway on {@code channel}.
   *
   * @return which variant answered ({@code x-variant}) and whether its answer was the label
   */
  static Answer classify(ManagedChannel channel, DigitsDataset heldOut, int row) {
    DigitsCalls.Answer answer =
        DigitsCalls.throughGateway(
            GRPCInferenceServiceGrpc.newBlockingStub(channel), heldOut.pixels(row));
    return new Answer(answer.variant(), answer.predicted() == heldOut.label(row));
  }

  /** One classification through the gateway. */
  record Answer(String variant, boolean correct) {}

  /** The servers of {@link #bothVersions}, closed together. */
  record BothVersions(RunningServer v1, RunningServer v2) implements AutoCloseable {
    int v1Port() {
      return v1.server().port();
    }

    int v2Port() {
      return v2.server().port();
    }

    @Override
    public void close() {
      try {
        v1.close();
      } finally {
        v2.close();
      }
    }
  }
}
