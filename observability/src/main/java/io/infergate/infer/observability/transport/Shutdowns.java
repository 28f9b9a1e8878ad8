package io.infergate.infer.observability.transport;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.util.concurrent.TimeUnit;

/**
 * Closing a channel or a server that nothing still needs: calls in flight are cancelled at once,
 * and the close waits a little for the transports to go, so that a process or a test that moves on
 * leaves no threads or ports behind. An interrupt ends the wait and stays set for the caller.
 */
public final class Shutdowns {
  private static final long WAIT_SECONDS = 5;

  private Shutdowns() {}

  /** Shuts {@code channel} down now and waits up to 5 s for it to terminate. */
  public static void closeNow(ManagedChannel channel) {
    channel.shutdownNow();
    await(channel::awaitTermination);
  }

  /** Shuts {@code server} down now and waits up to 5 s for it to terminate. */
  public static void closeNow(Server server) {
    server.shutdownNow();
    await(server::awaitTermination);
  }

  private static void await(Termination termination) {
    try {
      termination.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code awaitTermination} of a channel or a server, which share no interface for it. */
  @FunctionalInterface
  private interface Termination {
    boolean await(long timeout, TimeUnit unit) throws InterruptedException;
  }
}
