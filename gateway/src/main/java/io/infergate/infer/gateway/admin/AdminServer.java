package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.infergate.infer.gateway.admin.console.Console;
import io.infergate.infer.gateway.config.AdminConfig;
import io.infergate.infer.observability.server.StandardServices;
import io.infergate.infer.observability.transport.NettyTransport;
import io.infergate.infer.proto.admin.v1.GatewayAdminGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: its own server, never the data port's, serving {@code GatewayAdmin} behind the
 * bearer-token check, and on the same port, to browsers, the web {@link Console} whose JSON bridge
 * calls that same service. Plaintext for now, so bind it to a private address; TLS and client
 * certificates as identities come with the security work.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** The least role of each method; a method not listed needs ADMIN. */
  private static final Map<String, Role> REQUIRED =
      Map.of(
          GatewayAdminGrpc.getGetRoutesMethod().getFullMethodName(), Role.VIEWER,
          GatewayAdminGrpc.getGetHistoryMethod().getFullMethodName(), Role.VIEWER,
          GatewayAdminGrpc.getSetWeightsMethod().getFullMethodName(), Role.OPERATOR,
          GatewayAdminGrpc.getStartRampMethod().getFullMethodName(), Role.OPERATOR,
          GatewayAdminGrpc.getPauseRampMethod().getFullMethodName(), Role.OPERATOR,
          GatewayAdminGrpc.getResumeRampMethod().getFullMethodName(), Role.OPERATOR,
          GatewayAdminGrpc.getAbortRampMethod().getFullMethodName(), Role.OPERATOR,
          GatewayAdminGrpc.getPromoteMethod().getFullMethodName(), Role.OPERATOR,
          GatewayAdminGrpc.getRollbackMethod().getFullMethodName(), Role.OPERATOR);

  private final Server server;
  private final NettyTransport transport;
  private final Console console;

  private AdminServer(Server server, NettyTransport transport, Console console) {
    this.server = server;
    this.transport = transport;
    this.console = console;
  }

  /**
   * Starts serving {@code control} on {@code config}'s address, to the holders of {@code tokens}
   * (loaded from {@code config}'s file before any port is bound).
   *
   * @throws UncheckedIOException {@code cannot listen on HOST:PORT: REASON}
   */
  public static AdminServer start(AdminConfig config, BearerTokens tokens, ReleaseControl control) {
    requireNonNull(config, "config");
    requireNonNull(tokens, "tokens");
    ServerServiceDefinition service =
        ServerInterceptors.intercept(
            new GatewayAdminService(control), new AdminAuthInterceptor(tokens, REQUIRED));
    Console console = Console.create(service);
    // One thread each: admin calls are rare, and a write blocks on fsync, never an event loop of
    // the data port.
    NettyTransport transport = NettyTransport.create("admin", 1);
    try {
      Server server =
          transport
              .server(config.host(), config.port(), console.credentials())
              .addService(service)
              .build()
              .start();
      AdminServer admin = new AdminServer(server, transport, console);
      log.info(
          "Admin API and console listening on {}:{} (console: http://{}:{}/)",
          config.host(),
          admin.port(),
          config.host(),
          admin.port());
      return admin;
    } catch (IOException e) {
      transport.close();
      console.close();
      throw StandardServices.cannotListen(config.host(), config.port(), e);
    } catch (RuntimeException e) {
      transport.close();
      console.close();
      throw e;
    }
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    console.close();
    transport.close();
  }
}
