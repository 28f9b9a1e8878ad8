package io.infergate.infer.perf;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * The {@code --host} and {@code --port} flags of the stand-in backends that suites start in
 * processes of their own ({@code @Mixin ListenAddress listen;}), and how such a backend runs: it
 * says where it listens on standard output, which the suite waits for, then serves until the
 * process is stopped.
 */
public final class ListenAddress {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind")
  private String host;

  @Option(names = "--port", defaultValue = "0", description = "port (0: any free port)")
  private int port;

  /** A server builder for the address the flags name. */
  public NettyServerBuilder serverBuilder() {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
  }

  /**
   * Starts {@code server}, prints {@code ready} followed by {@code HOST:PORT}, and returns when the
   * server has terminated: when the process is stopped (SIGTERM), which shuts it down.
   */
  public void serveUntilStopped(Server server, String ready)
      throws IOException, InterruptedException {
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "server-shutdown"));
    System.out.println(ready + host + ":" + server.getPort());
    server.awaitTermination();
  }
}
