package io.infergate.infer.gateway.testing;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.infergate.infer.gateway.Gateway;
import io.infergate.infer.observability.transport.NettyTransport;
import io.infergate.infer.router.Endpoint;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * How a test's gateway, fake backends and client reach each other: in-process (no sockets, for unit
 * tests) or over Netty on loopback sockets (as {@code bin/gateway} runs), so that one suite runs
 * unchanged on both, as grpc-java's transport suites do.
 */
public interface Transport {
  /** Starts a fake backend on this transport. */
  FakeBackend backend(String name) throws IOException;

  /**
   * Starts a fake backend where an earlier one, now closed, was ({@link FakeBackend#endpoint}): a
   * model server restarted on its address, which the gateway's channels to it reconnect to.
   */
  FakeBackend backendAt(String name, Endpoint endpoint) throws IOException;

  /** An endpoint where nothing answers. */
  Endpoint unreachable() throws IOException;

  /** A gateway builder whose server and channels to endpoints use this transport. */
  Gateway.Builder gateway();

  /** A client channel to {@code gateway}, built by this transport's last {@link #gateway()}. */
  ManagedChannel client(Gateway gateway);

  /** Everything in one process, through grpc-java's in-process transport, direct executors. */
  static Transport inProcess() {
    return new Transport() {
      private String gatewayName;

      @Override
      public FakeBackend backend(String name) throws IOException {
        String unique = InProcessServerBuilder.generateName();
        return FakeBackend.start(
            name, InProcessServerBuilder.forName(unique).directExecutor(), new Endpoint(unique, 1));
      }

      @Override
      public FakeBackend backendAt(String name, Endpoint endpoint) throws IOException {
        return FakeBackend.start(
            name, InProcessServerBuilder.forName(endpoint.host()).directExecutor(), endpoint);
      }

      @Override
      public Endpoint unreachable() {
        return new Endpoint(InProcessServerBuilder.generateName(), 1);
      }

      @Override
      public Gateway.Builder gateway() {
        gatewayName = InProcessServerBuilder.generateName();
        return Gateway.builder()
            .server(InProcessServerBuilder.forName(gatewayName).directExecutor())
            .channels(
                endpoint ->
                    InProcessChannelBuilder.forName(endpoint.host()).directExecutor().build());
      }

      @Override
      public ManagedChannel client(Gateway gateway) {
        return InProcessChannelBuilder.forName(gatewayName).directExecutor().build();
      }
    };
  }

  /**
   * Netty on 127.0.0.1 sockets: the gateway wired as {@code bin/gateway} wires it (its own event
   * loops, shared with its channels); backends and client on grpc-java's defaults.
   */
  static Transport loopback() {
    return new Transport() {
      @Override
      public FakeBackend backend(String name) throws IOException {
        return FakeBackend.start(name, server(0), null);
      }

      @Override
      public FakeBackend backendAt(String name, Endpoint endpoint) throws IOException {
        return FakeBackend.start(name, server(endpoint.port()), null);
      }

      /**
       * SO_REUSEADDR, so that a backend restarted on its port binds it while connections of the one
       * before linger in TIME_WAIT.
       */
      private NettyServerBuilder server(int port) {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .withOption(ChannelOption.SO_REUSEADDR, true)
            .directExecutor();
      }

      @Override
      public Endpoint unreachable() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
          return new Endpoint("127.0.0.1", socket.getLocalPort());
        }
      }

      @Override
      public Gateway.Builder gateway() {
        return Gateway.builder().netty(NettyTransport.create("test-gateway", 2), "127.0.0.1", 0);
      }

      @Override
      public ManagedChannel client(Gateway gateway) {
        return NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
      }
    };
  }
}
