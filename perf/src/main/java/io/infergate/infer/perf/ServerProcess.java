package io.infergate.infer.perf;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model server as a child process: started from a command line, known by its pid (for CPU
 * accounting) and the port it announces, stopped with SIGTERM. Public so that the benchmarks in
 * sub-packages (the soak) start servers the same way.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("model-server listening on (\\S+):(\\d+)");

  private final Process process;
  private final Thread copier;
  private final int port;

  private ServerProcess(Process process, Thread copier, int port) {
    this.process = process;
    this.copier = copier;
    this.port = port;
  }

  /**
   * Starts {@code command} and waits for its {@code model-server listening on HOST:PORT} line. All
   * its output goes to {@code log}.
   *
   * @throws IllegalStateException if it exits or stays silent for {@code timeout} first
   */
  public static ServerProcess start(List<String> command, Path log, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread copier =
        new Thread(() -> copyOutput(process, log, port), "model-server-output-" + process.pid());
    copier.setDaemon(true);
    copier.start();
    try {
      return new ServerProcess(process, copier, port.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("model server did not start; see " + log, e);
    }
  }

  /** The pid to read CPU time from: {@code taskset} execs the JVM, so it is the JVM's. */
  public long pid() {
    return process.pid();
  }

  /** The port from the server's listening line. */
  public int port() {
    return port;
  }

  /**
   * SIGTERM, as an orchestrator would stop it; SIGKILL if it has not exited after 15 s. Returns
   * once its last output is in the log, so the log can be read at once.
   */
  @Override
  public void close() {
    // Through the handle: Process.destroy() also closes our end of the output pipe, so whatever the
    // server logs while it stops would be lost (and its writes would fail with EPIPE).
    process.toHandle().destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      // The copier may still hold what the server wrote while stopping.
      copier.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Copies the server's output into the log, completing {@code port} from the announcement. */
  private static void copyOutput(Process process, Path log, CompletableFuture<Integer> port) {
    try (BufferedReader output =
            new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        Writer writer = Files.newBufferedWriter(log, UTF_8)) {
      String line;
      while ((line = output.readLine()) != null) {
        writer.write(line);
        writer.write('\n');
        writer.flush();
        Matcher matcher = LISTENING.matcher(line);
        if (!port.isDone() && matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(2)));
        }
      }
      port.completeExceptionally(new IllegalStateException("model server exited"));
    } catch (IOException e) {
      port.completeExceptionally(
          new UncheckedIOException("cannot copy server output to " + log, e));
    }
  }
}
