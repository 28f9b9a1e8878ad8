package io.infergate.infer.perf.soak;

import io.infergate.infer.perf.kit.ClosedLoop;
import io.infergate.infer.perf.kit.ProcessStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Takes {@link Sample}s of one server process while a {@link ClosedLoop} runs against it.
 *
 * @param pid the server process
 * @param jcmdCommands a file written by {@link JvmMemory#writeCommands}
 * @param gcLog the server's {@code -Xlog:gc} file
 * @param load the load whose calls, failures and latency each sample reports
 * @param swapsDone how many version swaps have completed
 * @param startNanos {@link System#nanoTime()} at which the load started
 */
record ServerSampler(
    long pid,
    Path jcmdCommands,
    Path gcLog,
    ClosedLoop load,
    IntSupplier swapsDone,
    long startNanos) {

  /** Reads /proc first and jcmd second: jcmd's own attach briefly adds a thread to the server. */
  Sample take() throws IOException, InterruptedException {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    ProcessStatus process = ProcessStatus.read(pid);
    int fds = ProcessStatus.openFileDescriptors(pid);
    JvmMemory jvm = JvmMemory.read(pid, jcmdCommands);
    return new Sample(
        elapsed,
        process,
        fds,
        jvm,
        GcLog.read(gcLog),
        swapsDone.getAsInt(),
        load.calls(),
        load.failedCalls(),
        load.latencySinceLastAsked());
  }
}
