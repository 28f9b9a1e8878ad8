package io.infergate.infer.perf.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM says about its own memory through {@code jcmd}: the native memory tracking total
 * ({@code VM.native_memory summary}, so the JVM must run with {@code
 * -XX:NativeMemoryTracking=summary}) and the Java heap in use ({@code GC.heap_info}).
 *
 * <p>NMT counts only the JVM's own memory (heap, metaspace, thread stacks, code cache, GC, symbols,
 * direct buffers under "Other"); TensorFlow's allocations bypass it, so a TensorFlow leak shows in
 * RSS and not here.
 *
 * @param nmtCommittedKb the {@code committed=} of NMT's {@code Total:} line
 * @param heapUsedKb the sum of {@code used} over the heap's spaces (one line for G1, two for the
 *     generational collectors); metaspace is not heap and is left out
 */
record JvmMemory(long nmtCommittedKb, long heapUsedKb) {
  /** Both commands in one {@code jcmd -f} file: one attach, one JVM start per sample. */
  static final String COMMANDS = "VM.native_memory summary\nGC.heap_info\n";

  private static final Pattern NMT_TOTAL =
      Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);
  private static final Pattern HEAP_SPACE = Pattern.compile("total \\d+K, used (\\d+)K");

  /**
   * Asks process {@code pid} through {@code jcmd}, which lives beside this JVM's {@code java}.
   *
   * @param commands a file holding {@link #COMMANDS}
   * @throws IOException if jcmd fails, times out or prints something unexpected
   */
  static JvmMemory read(long pid, Path commands) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "-f", commands.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("jcmd " + pid + " did not finish in 30 s");
    }
    if (process.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " exited " + process.exitValue() + ": " + output);
    }
    try {
      return parse(output);
    } catch (IllegalArgumentException e) {
      throw new IOException("jcmd " + pid + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@link #COMMANDS} to {@code file} for {@link #read}. */
  static Path writeCommands(Path file) throws IOException {
    return Files.writeString(file, COMMANDS, UTF_8);
  }

  /**
   * Parses the output of both commands.
   *
   * @throws IllegalArgumentException if either part is missing (NMT off, or another collector's
   *     format)
   */
  static JvmMemory parse(String jcmdOutput) {
    Matcher total = NMT_TOTAL.matcher(jcmdOutput);
    if (!total.find()) {
      throw new IllegalArgumentException(
          "no NMT 'Total: reserved=..KB, committed=..KB' line (is -XX:NativeMemoryTracking on?)");
    }
    long heapUsed = 0;
    boolean heapSeen = false;
    Matcher space = HEAP_SPACE.matcher(jcmdOutput);
    while (space.find()) {
      heapUsed += Long.parseLong(space.group(1));
      heapSeen = true;
    }
    if (!heapSeen) {
      throw new IllegalArgumentException("no heap 'total ..K, used ..K' line from GC.heap_info");
    }
    return new JvmMemory(Long.parseLong(total.group(1)), heapUsed);
  }
}
