package io.infergate.infer.gateway.testing;

import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.GatewayConfig;
import io.infergate.infer.gateway.config.Rewrite;
import io.infergate.infer.router.RoutingTable;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a test's backends, gateways and clients over one transport, each closed after the test
 * ({@code @RegisterExtension final TestBed bed = new TestBed(Transport.inProcess());}).
 */
public final class TestBed implements AfterEachCallback {
  private final Transport transport;
  private final GrpcCleanupExtension cleanup = new GrpcCleanupExtension();

  public TestBed(Transport transport) {
    this.transport = transport;
  }

  public Transport transport() {
    return transport;
  }

  /** Closes {@code resource} after the test; returns it. */
  public <T> T register(T resource) {
    return cleanup.register(resource);
  }

  /** A fake backend named {@code name}. */
  public FakeBackend backend(String name) {
    try {
      return cleanup.register(transport.backend(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A fake backend named {@code name} that answers calls without a behaviour header as {@code
   * behaviour} says ({@link FakeBackend#behaveByDefault}) until told otherwise.
   */
  public FakeBackend backend(String name, String behaviour) {
    FakeBackend backend = backend(name);
    backend.behaveByDefault(behaviour);
    return backend;
  }

  /** A gateway serving {@code config}'s routes with its drain timeout and reflection setting. */
  public Gateway gateway(GatewayConfig config) {
    return gateway(config, OpenTelemetry.noop());
  }

  /** As {@link #gateway(GatewayConfig)}, recording traces and metrics into {@code telemetry}. */
  public Gateway gateway(GatewayConfig config, OpenTelemetry telemetry) {
    return start(transport.gateway().telemetry(telemetry).routes(config.routes()), config);
  }

  /**
   * A gateway serving {@code routes} (such as release control's) with {@code config}'s settings.
   */
  public Gateway gateway(GatewayConfig config, RoutingTable<Rewrite> routes) {
    return start(transport.gateway().routes(routes), config);
  }

  /**
   * A gateway serving {@code routes}, with the other settings as {@link #routesConfig} has them.
   */
  public Gateway gateway(Path dir, String routes) {
    return gateway(routesConfig(dir, routes));
  }

  /** A client of {@code gateway}. */
  public GatewayClient client(Gateway gateway) {
    return new GatewayClient(cleanup.register(transport.client(gateway)));
  }

  /**
   * {@code routes} (the items of the {@code routes:} list, indented) loaded from a file written in
   * {@code dir}, with no reload (a test reloads by hand) and a 1 s drain, so that a test whose
   * calls are still running ends quickly.
   */
  public static GatewayConfig routesConfig(Path dir, String routes) {
    return routesConfig(dir, "", routes);
  }

  /** {@link #routesConfig(Path, String)} after the top-level {@code settings} lines. */
  public static GatewayConfig routesConfig(Path dir, String settings, String routes) {
    return Configs.load(
        dir, settings + "reloadCheckInterval: 0s\ndrainTimeout: 1s\nroutes:\n" + routes);
  }

  /** Starts {@code gateway} with {@code config}'s drain timeout and reflection setting. */
  private Gateway start(Gateway.Builder gateway, GatewayConfig config) {
    try {
      return cleanup.register(
          gateway.drainTimeout(config.drainTimeout()).reflection(config.reflection()).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    cleanup.afterEach(context);
  }
}
