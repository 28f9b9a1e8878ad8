package io.infergate.infer.perf.loadtest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs bin/loadtest's entry point in-process and captures its exit code and output. */
final class Cli {
  /**
   * The OIP .proto in the proto module, relative to perf/loadtest/ (the tests' working directory).
   */
  static final Path OIP_PROTO =
      Path.of(
          "..",
          "..",
          "proto",
          "src",
          "main",
          "third_party",
          "open-inference-protocol",
          "inference",
          "open_inference_grpc.proto");

  static final String MODEL_INFER = "inference.GRPCInferenceService/ModelInfer";

  private Cli() {}

  /** The outcome of one invocation. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    return runWithStdin(new byte[0], args);
  }

  /**
   * Calls {@link #MODEL_INFER} on {@code target} over plaintext with the OIP .proto, with {@code
   * flags} added.
   */
  static Result infer(String target, String... flags) {
    return run(
        concat(
            concat(
                new String[] {"--insecure", "--proto", OIP_PROTO.toString(), "--call", MODEL_INFER},
                flags),
            target));
  }

  static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  static Result runWithStdin(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        LoadtestMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(stdin),
            false);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
