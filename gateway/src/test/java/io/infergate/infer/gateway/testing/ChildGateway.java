package io.infergate.infer.gateway.testing;

import static org.awaitility.Awaitility.await;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code bin/gateway} in a JVM of its own, on this test's classpath, watched through its platform
 * MBeans: what the gateway allocates is then measured apart from what the test's client allocates
 * to build and send its requests (the same process would mix the two).
 */
public final class ChildGateway implements AutoCloseable {
  private static final String READY = "gateway listening on ";
  private static final String ADMIN = "admin API on ";

  private final Process process;
  private final Path log;
  private final JMXConnector jmx;
  private final int port;
  private boolean killed;

  private ChildGateway(Process process, Path log, JMXConnector jmx, int port) {
    this.process = process;
    this.log = log;
    this.jmx = jmx;
    this.port = port;
  }

  /** Starts {@code GatewayMain --config config}, waits until it listens and attaches to it. */
  public static ChildGateway start(Path config, Path log) throws IOException {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.infergate.infer.gateway.GatewayMain",
                "--config",
                config.toString(),
                "--metrics-port",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      int port =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> announced(process, log, READY), Optional::isPresent)
              .orElseThrow();
      return new ChildGateway(process, log, attach(process.pid()), port);
    } catch (RuntimeException | IOException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The port its admin API listens on, once it has said so (its config must have one). */
  public int adminPort() {
    return await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> announced(process, log, ADMIN), Optional::isPresent)
        .orElseThrow();
  }

  /** Kills it as {@code kill -9} does: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the gateway did not die in 10 s");
    }
    killed = true;
  }

  /** Its platform MBeans. */
  public MBeanServerConnection mbeans() throws IOException {
    return jmx.getMBeanServerConnection();
  }

  /** A full GC in the gateway, then the heap it still uses. */
  public long heapUsedAfterGc() throws IOException {
    MemoryMXBean memory =
        ManagementFactory.newPlatformMXBeanProxy(
            mbeans(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /**
   * Bytes the gateway's threads have allocated on the heap so far. The gateway runs on its event
   * loops (direct executors), which live as long as it does, so the difference of two readings
   * bounds the heap that anything in between could have taken, garbage included.
   */
  public long allocatedBytes() throws IOException {
    ThreadMXBean threads =
        ManagementFactory.newPlatformMXBeanProxy(
            mbeans(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes); // -1 for a thread that ended between the two calls
    }
    return total;
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** What it printed. */
  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    try {
      if (!killed) {
        jmx.close();
      }
    } finally {
      Processes.stop(process);
    }
  }

  private static Optional<Integer> announced(Process process, Path log, String prefix)
      throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "the gateway exited with " + process.exitValue() + ":\n" + Files.readString(log));
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (String line : lines) {
      int at = line.indexOf(prefix);
      if (at >= 0) {
        String address = line.substring(at + prefix.length()).trim().split(" ")[0];
        return Optional.of(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
      }
    }
    return Optional.empty();
  }

  /** The JDK's attach API starts the child's local JMX agent: no port to choose or collide on. */
  private static JMXConnector attach(long pid) throws IOException {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      try {
        return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
      } finally {
        vm.detach();
      }
    } catch (AttachNotSupportedException e) {
      throw new IOException("cannot attach to the gateway (pid " + pid + ")", e);
    }
  }
}
