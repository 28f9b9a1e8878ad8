package io.infergate.infer.gateway.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * grpc-java's {@code GrpcCleanupRule} for JUnit 5: what a test registers is closed after it, last
 * registered first. Channels and servers are shut down at once ({@code shutdownNow}: a test that
 * left calls stalled must not wait for them) and awaited for a bounded time.
 */
public final class GrpcCleanupExtension implements AfterEachCallback {
  private static final long TIMEOUT_SECONDS = 10;

  private final Deque<Object> resources = new ArrayDeque<>();

  /** Closes {@code resource} after the test; returns it. */
  public <T> T register(T resource) {
    synchronized (resources) {
      resources.push(resource);
    }
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    while (true) {
      Object resource;
      synchronized (resources) {
        resource = resources.poll();
      }
      if (resource == null) {
        break;
      }
      try {
        close(resource);
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void close(Object resource) throws Exception {
    if (resource instanceof ManagedChannel channel) {
      channel.shutdownNow().awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } else if (resource instanceof Server server) {
      server.shutdownNow().awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } else if (resource instanceof AutoCloseable closeable) {
      closeable.close();
    } else {
      throw new IllegalArgumentException("cannot close " + resource);
    }
  }
}
