package io.infergate.infer.gateway.admin;

import static java.util.Objects.requireNonNull;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.infergate.infer.gateway.admin.console.Console;
import io.infergate.infer.gateway.config.AdminConfig;
import io.infergate.infer.observability.server.StandardServices;
import io.infergate.infer.observability.transport.NettyTransport;
import io.infergate.infer.observability.transport.ServerTls;
import io.infergate.infer.observability.transport.TlsCredentials;
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
 * identity check (bearer tokens, client certificates: {@link AdminAuthInterceptor}), and on the
 * same port, to browsers, the web {@link Console} whose JSON bridge calls that same service.
 * Plaintext unless {@code admin.tls} is set; then gRPC and the console are both served over TLS on
 * that port, with the key material reloaded as the data port's is.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** The least role of each method; a method not listed needs ADMIN. */
  private static final Map<String, Role> REQUIRED =
      Map.of(
          GatewayAdminGrpc.getGetRoutesMethod().getFullMethodName(), Role.VIEWER,
          GatewayAdminGrpc.getGetHistoryMethod().getFullMethodName(), Role.VIEWER,
          GatewayAdminGrpc.getWhoAmIMethod().getFullMethodName(), Role.VIEWER,
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
  private final TlsCredentials tls;

  private AdminServer(
      Server server, NettyTransport transport, Console console, TlsCredentials tls) {
    this.server = server;
    this.transport = transport;
    this.console = console;
    this.tls = tls;
  }

  /**
   * Starts serving {@code control} on {@code config}'s address, to the holders of {@code tokens}
   * (loaded from {@code config}'s file before any port is bound, {@link BearerTokens#none()}
   * without one) and of the client certificates {@code config.clientRoles()} names.
   *
   * @throws UncheckedIOException {@code cannot listen on HOST:PORT: REASON}
   * @throws IllegalArgumentException {@code admin.tls: ...} naming TLS files that cannot be used
   */
  public static AdminServer start(AdminConfig config, BearerTokens tokens, ReleaseControl control) {
    requireNonNull(config, "config");
    requireNonNull(tokens, "tokens");
    ServerServiceDefinition service =
        ServerInterceptors.intercept(
            new GatewayAdminService(control),
            new AdminAuthInterceptor(tokens, config.clientRoles(), REQUIRED));
    TlsCredentials tls = config.tls() == null ? null : loadTls(config.tls());
    Console console = Console.create(service);
    // One thread each: admin calls are rare, and a write blocks on fsync, never an event loop of
    // the data port.
    NettyTransport transport = NettyTransport.create("admin", 1);
    try {
      ServerCredentials credentials =
          tls == null
              ? console.credentials()
              : console.credentials((TlsServerCredentials) tls.server());
      Server server =
          transport
              .server(config.host(), config.port(), credentials)
              .addService(service)
              .build()
              .start();
      AdminServer admin = new AdminServer(server, transport, console, tls);
      log.info(
          "Admin API and console listening on {}:{} ({}; console: {}://{}:{}/)",
          config.host(),
          admin.port(),
          tls == null ? "plaintext" : config.tls().describe(),
          tls == null ? "http" : "https",
          config.host(),
          admin.port());
      return admin;
    } catch (IOException e) {
      closeAll(transport, console, tls);
      throw StandardServices.cannotListen(config.host(), config.port(), e);
    } catch (RuntimeException e) {
      closeAll(transport, console, tls);
      throw e;
    }
  }

  private static TlsCredentials loadTls(ServerTls config) {
    try {
      return TlsCredentials.forServer(config);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("admin.tls: " + e.getMessage(), e);
    }
  }

  private static void closeAll(NettyTransport transport, Console console, TlsCredentials tls) {
    transport.close();
    console.close();
    if (tls != null) {
      tls.close();
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
    closeAll(transport, console, tls);
  }
}
