package io.infergate.infer.perf.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server the benchmark started, optionally pinned with {@code taskset}, all its output in a log
 * file: known by its pid (for CPU and memory accounting from {@code /proc}) and the address it
 * listens on. Closing it sends SIGTERM, waits, then kills it: nothing outlives the benchmark.
 *
 * <p>The output goes straight to the file, not through a pipe of ours, so nothing the server logs
 * while it stops is lost and its writes never fail for want of a reader.
 */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final String address;

  private ChildProcess(String name, Process process, Path log, String address) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.address = address;
  }

  /** {@code command}, prefixed by {@code taskset -c cpus} unless {@code cpus} is empty. */
  public static List<String> pinned(String cpus, List<String> command) {
    List<String> full = new ArrayList<>();
    if (!cpus.isEmpty()) {
      full.addAll(List.of("taskset", "-c", cpus));
    }
    full.addAll(command);
    return full;
  }

  /** This JVM's {@code java} running {@code mainClass} from {@code classpath}. */
  public static List<String> java(
      List<String> jvmOptions, String classpath, String mainClass, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(arguments);
    return command;
  }

  /**
   * Starts {@code command} and waits for a line holding {@code readyPrefix} followed by {@code
   * HOST:PORT} (how our servers say they listen).
   *
   * @throws IOException if it exits or stays silent for {@code timeout} first; the message holds
   *     its log
   */
  public static ChildProcess startAnnounced(
      String name, List<String> command, Path log, String readyPrefix, Duration timeout)
      throws IOException, InterruptedException {
    Process process = start(command, log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        int at = line.indexOf(readyPrefix);
        if (at >= 0) {
          String address = line.substring(at + readyPrefix.length()).trim().split("\\s+")[0];
          return new ChildProcess(name, process, log, address);
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw failed(name, process, log, "did not say '" + readyPrefix + "'");
  }

  /** Starts {@code command} and waits until {@code host:port} accepts connections. */
  public static ChildProcess startListening(
      String name, List<String> command, Path log, String host, int port, Duration timeout)
      throws IOException, InterruptedException {
    Process process = start(command, log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), 200);
        return new ChildProcess(name, process, log, host + ":" + port);
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw failed(name, process, log, "is not listening on " + host + ":" + port);
  }

  private static Process start(List<String> command, Path log) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    return builder.start();
  }

  private static IOException failed(String name, Process process, Path log, String what)
      throws IOException, InterruptedException {
    process.destroyForcibly().waitFor();
    return new IOException(
        name
            + " "
            + what
            + " (exited with "
            + process.exitValue()
            + "); its log:\n"
            + Files.readString(log, StandardCharsets.UTF_8));
  }

  public String name() {
    return name;
  }

  /** {@code host:port} the process listens on. */
  public String address() {
    return address;
  }

  public int port() {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The pid to read CPU time from: {@code taskset} execs the JVM, so it is the JVM's. */
  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** User plus system CPU ticks of the process and its children (nginx's worker), so far. */
  public long cpuTicks() {
    return ProcStat.treeCpuTicks(process.pid());
  }

  /** CPU ticks its JIT compiler threads have used so far ({@link JitCpu}); 0 for what is no JVM. */
  public long jitCpuTicks() {
    return JitCpu.ticks(pid());
  }

  /** Resident set size in KiB of the process itself, from {@code /proc/<pid>/status}. */
  public long rssKib() {
    return ProcessStatus.read(pid()).rssKb();
  }

  /**
   * SIGTERM, as an orchestrator would stop it; SIGKILL if it has not exited after {@code grace}.
   * Returns its log once it is gone, so the log can be read at once.
   */
  public List<String> stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGKILL ({@link Process#destroyForcibly()} on Linux), as a crashed or OOM-killed server dies:
   * no shutdown hook runs and its sockets are closed by the kernel. Returns once it is gone.
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(15));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
