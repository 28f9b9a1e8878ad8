package io.infergate.infer.observability.transport;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops a process owns, for its server and its client channels alike: epoll where
 * the native transport loads (Linux), NIO elsewhere. Owning them, rather than taking grpc-java's
 * shared defaults, lets each server size them and shut them down with itself; sharing them between
 * a server and its channels (the gateway) runs a call and its forwarded twin on the same loops,
 * with no hand-off between thread pools.
 *
 * <p>The only package of the servers that imports Netty.
 */
public final class NettyTransport implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Class<? extends ServerChannel> serverChannel;
  private final Class<? extends SocketChannel> clientChannel;

  private NettyTransport(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Class<? extends ServerChannel> serverChannel,
      Class<? extends SocketChannel> clientChannel) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.clientChannel = clientChannel;
  }

  /**
   * Event loops whose threads are named {@code <name>-boss} and {@code <name>-io-N}; {@code
   * workerThreads} 0 lets Netty choose (twice the cores).
   */
  public static NettyTransport create(String name, int workerThreads) {
    DefaultThreadFactory bossThreads = new DefaultThreadFactory(name + "-boss", true);
    DefaultThreadFactory ioThreads = new DefaultThreadFactory(name + "-io", true);
    if (Epoll.isAvailable()) {
      return new NettyTransport(
          new EpollEventLoopGroup(1, bossThreads),
          new EpollEventLoopGroup(workerThreads, ioThreads),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }
    return new NettyTransport(
        new NioEventLoopGroup(1, bossThreads),
        new NioEventLoopGroup(workerThreads, ioThreads),
        NioServerSocketChannel.class,
        NioSocketChannel.class);
  }

  /**
   * A server builder for {@code host:port} on these event loops, plaintext or TLS as {@code
   * credentials} say ({@code InsecureServerCredentials} or {@link TlsCredentials#server()}).
   */
  public NettyServerBuilder server(String host, int port, ServerCredentials credentials) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelType(serverChannel);
  }

  /**
   * A channel builder for {@code host:port} on these event loops, plaintext or TLS as {@code
   * credentials} say ({@code InsecureChannelCredentials} or {@link TlsCredentials#channel()}).
   */
  public NettyChannelBuilder channel(String host, int port, ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress(host, port, credentials)
        .eventLoopGroup(workers)
        .channelType(clientChannel);
  }

  /** "epoll" or "nio", for the start-up log line. */
  public String kind() {
    return serverChannel == EpollServerSocketChannel.class ? "epoll" : "nio";
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
