package io.infergate.infer.gateway.testing;

import java.util.concurrent.TimeUnit;

/** Ending the processes a test starts (a gateway JVM, a browser) however the test went. */
public final class Processes {
  private Processes() {}

  /**
   * Asks {@code process} to stop (SIGTERM), so that it can shut down as it would in production;
   * kills it (SIGKILL) if it has not within 10 s, or if this thread is interrupted meanwhile.
   */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
