package io.infergate.infer.demo;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.gateway.config.ConfigWatcher;
import io.infergate.infer.gateway.config.GatewayConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A gateway started from its file, as {@code bin/gateway} runs it, that re-reads the file every 50
 * ms (a test rewrites it to reconfigure the gateway under load), and a plaintext channel to it.
 */
record FileGateway(Gateway gateway, ConfigWatcher watcher, ManagedChannel channel)
    implements AutoCloseable {
  static FileGateway start(Path file) throws IOException {
    GatewayConfigLoader loader = GatewayConfigLoader.of(file);
    Gateway gateway = Gateway.start(loader.load().value());
    ConfigWatcher watcher =
        ConfigWatcher.start(
            loader, Files.readAllBytes(file), Duration.ofMillis(50), gateway::reload);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
    return new FileGateway(gateway, watcher, channel);
  }

  @Override
  public void close() {
    watcher.close();
    channel.shutdownNow();
    gateway.close();
  }
}
