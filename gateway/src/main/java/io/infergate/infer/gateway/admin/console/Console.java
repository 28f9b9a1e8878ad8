package io.infergate.infer.gateway.admin.console;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.InternalNettyServerCredentials;
import io.infergate.infer.observability.transport.Shutdowns;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The web console, served on the admin port next to gRPC: {@link #credentials()} (plaintext) or
 * {@link #credentials(TlsServerCredentials)} are the admin server's, and tell a browser's HTTP/1.1
 * from gRPC's HTTP/2 by ALPN or a connection's first bytes. Its JSON bridge calls the admin service
 * through an in-process server of the very definition the admin port serves (its auth interceptor
 * included), on grpc's default executor, so a write's fsync never blocks the port's event loop.
 * Over TLS, a bridged call carries the browser connection's client-certificate names, which the
 * service reads with {@link #bridgedCertificateNames()}.
 */
public final class Console implements AutoCloseable {
  /** The largest request body the console reads; a larger one gets 413. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final Server inProcess;
  private final ManagedChannel channel;
  private final ConsoleHandlers handlers;

  private Console(Server inProcess, ManagedChannel channel, ConsoleHandlers handlers) {
    this.inProcess = inProcess;
    this.channel = channel;
    this.handlers = handlers;
  }

  /**
   * A console over {@code adminService}: the same definition, interceptors included, that the admin
   * port serves.
   *
   * @throws IllegalStateException if the console's files are missing from the jar
   */
  public static Console create(ServerServiceDefinition adminService) {
    requireNonNull(adminService, "adminService");
    ConsoleAssets assets = ConsoleAssets.load();
    String name = "infergate-admin-console-" + InProcessServerBuilder.generateName();
    Server server;
    try {
      server =
          InProcessServerBuilder.forName(name)
              .addService(ServerInterceptors.intercept(adminService, new BridgedCertificate()))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("an in-process server cannot fail to bind", e);
    }
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    JsonBridge bridge = new JsonBridge(channel, adminService.getServiceDescriptor());
    return new Console(server, channel, new ConsoleHandlers(assets, bridge));
  }

  /** Plaintext server credentials that serve gRPC and, to browsers, the console. */
  public ServerCredentials credentials() {
    return InternalNettyServerCredentials.create(new ConsoleNegotiator(null, handlers::install));
  }

  /**
   * TLS server credentials that serve gRPC and, to browsers, the console, with {@code tls}'s key
   * and trust managers (so certificates the data port's {@code TlsCredentials} reload are served
   * here too) and client-certificate policy. ALPN chooses {@code http/1.1} for a client that offers
   * it (a browser) and {@code h2} for one that offers only that (a gRPC client).
   *
   * @throws IllegalArgumentException if no TLS context can be made of them
   */
  public ServerCredentials credentials(TlsServerCredentials tls) {
    requireNonNull(tls, "tls");
    return InternalNettyServerCredentials.create(
        new ConsoleNegotiator(sslContext(tls), handlers::install));
  }

  /**
   * The client-certificate names of the browser connection a call came through the console's bridge
   * from; empty for every other call, and for a connection without a client certificate.
   */
  public static List<String> bridgedCertificateNames() {
    return BridgedCertificate.NAMES.get();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    Shutdowns.closeNow(inProcess);
  }

  private static SslContext sslContext(TlsServerCredentials tls) {
    if (tls.getKeyManagers() == null || tls.getKeyManagers().size() != 1) {
      throw new IllegalArgumentException("admin TLS needs exactly one key manager");
    }
    // grpc's own choices (provider, HTTP/2's cipher suites), then ALPN for both protocols, the
    // server's preference first: a browser offers h2 and http/1.1 and must get http/1.1 (the
    // console speaks no HTTP/2); gRPC clients (grpc-java, grpc-go, grpcurl) offer h2 alone.
    SslContextBuilder builder =
        GrpcSslContexts.configure(SslContextBuilder.forServer(tls.getKeyManagers().get(0)))
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_1_1,
                    ApplicationProtocolNames.HTTP_2));
    List<TrustManager> trust = tls.getTrustManagers();
    if (trust != null) {
      if (trust.size() != 1) {
        throw new IllegalArgumentException("admin TLS needs at most one trust manager");
      }
      builder.trustManager(trust.get(0));
    }
    builder.clientAuth(
        switch (tls.getClientAuth()) {
          case NONE -> ClientAuth.NONE;
          case OPTIONAL -> ClientAuth.OPTIONAL;
          case REQUIRE -> ClientAuth.REQUIRE;
        });
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot make the admin port's TLS context: " + e, e);
    }
  }

  /** Installs a browser connection's HTTP/1.1 handlers. */
  private record ConsoleHandlers(ConsoleAssets assets, JsonBridge bridge) {
    void install(ChannelHandlerContext sniffer) {
      ChannelPipeline pipeline = sniffer.pipeline();
      pipeline.addAfter(sniffer.name(), "console-http-codec", new HttpServerCodec());
      pipeline.addAfter(
          "console-http-codec", "console-http-body", new BodyLimitAggregator(MAX_BODY_BYTES));
      pipeline.addAfter(
          "console-http-body", "console-http", new ConsoleHttpHandler(assets, bridge));
    }
  }
}
