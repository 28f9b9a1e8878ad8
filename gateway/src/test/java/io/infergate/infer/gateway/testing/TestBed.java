package io.infergate.infer.gateway.testing;

import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Starts a test's backends, gateways and clients over one transport, each registered to be closed
 * after the test.
 */
public record TestBed(Transport transport, GrpcCleanupExtension cleanup) {
  /** A fake backend named {@code name}. */
  public FakeBackend backend(String name) {
    try {
      return cleanup.register(transport.backend(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A gateway serving {@code config}'s routes with its drain timeout. */
  public Gateway gateway(GatewayConfig config) {
    try {
      return cleanup.register(
          transport.gateway().routes(config.routes()).drainTimeout(config.drainTimeout()).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client of {@code gateway}. */
  public GatewayClient client(Gateway gateway) {
    return new GatewayClient(cleanup.register(transport.client(gateway)));
  }
}
