package io.infergate.infer.gateway.admin.console;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.InternalNettyServerCredentials;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The web console, served on the admin port next to gRPC: {@link #credentials()} are the admin
 * server's, and tell a browser's HTTP/1.1 from gRPC's HTTP/2 by a connection's first bytes. Its
 * JSON bridge calls the admin service through an in-process server of the very definition the admin
 * port serves (its auth interceptor included), on grpc's default executor, so a write's fsync never
 * blocks the port's event loop.
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
      server = InProcessServerBuilder.forName(name).addService(adminService).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("an in-process server cannot fail to bind", e);
    }
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    JsonBridge bridge = new JsonBridge(channel, adminService.getServiceDescriptor());
    return new Console(server, channel, new ConsoleHandlers(assets, bridge));
  }

  /** Plaintext server credentials that serve gRPC and, to browsers, the console. */
  public ServerCredentials credentials() {
    return InternalNettyServerCredentials.create(new ConsoleNegotiator(handlers::install));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    inProcess.shutdownNow();
    try {
      inProcess.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
