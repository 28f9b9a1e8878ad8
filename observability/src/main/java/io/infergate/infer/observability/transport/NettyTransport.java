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
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

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
  private static final ChannelTypes EPOLL =
      new ChannelTypes(
          EpollServerSocketChannel.class, EpollServerSocketChannel::new, EpollSocketChannel.class);
  private static final ChannelTypes NIO =
      new ChannelTypes(
          NioServerSocketChannel.class, NioServerSocketChannel::new, NioSocketChannel.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelTypes channels;
  private final LongAdder refusedConnections = new LongAdder();

  private NettyTransport(EventLoopGroup boss, EventLoopGroup workers, ChannelTypes channels) {
    this.boss = boss;
    this.workers = workers;
    this.channels = channels;
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
          EPOLL);
    }
    return new NettyTransport(
        new NioEventLoopGroup(1, bossThreads),
        new NioEventLoopGroup(workerThreads, ioThreads),
        NIO);
  }

  /**
   * A server builder for {@code host:port} on these event loops, plaintext or TLS as {@code
   * credentials} say ({@code InsecureServerCredentials} or {@link TlsCredentials#server()}).
   */
  public NettyServerBuilder server(String host, int port, ServerCredentials credentials) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelType(channels.server());
  }

  /**
   * A server builder for a port callers reach, as {@link #server(String, int, ServerCredentials)}
   * with {@code limits} on each connection and on how fast each source address may open new ones
   * (closed as they are accepted, before any TLS or HTTP/2 work, and counted in {@link
   * #refusedConnections()}).
   */
  public NettyServerBuilder server(
      String host, int port, ServerCredentials credentials, ConnectionLimits limits) {
    NettyServerBuilder server = server(host, port, credentials);
    if (limits.limitsNewConnectionsPerSource()) {
      // The filter goes in when the channel is made, so it precedes the acceptor that the server
      // bootstrap adds once it binds: it sees each connection before anything else does.
      server.channelFactory(
          () -> {
            ServerChannel channel = channels.newServer().get();
            channel
                .pipeline()
                .addLast(new NewConnectionFilter(limits, refusedConnections, System::nanoTime));
            return channel;
          });
    }
    return limits.applyTo(server);
  }

  /**
   * New connections closed at accept so far, by every server built with {@link #server(String, int,
   * ServerCredentials, ConnectionLimits)} on these event loops, because their source address was
   * over {@code connections.newPerSourcePerSecond}.
   */
  public long refusedConnections() {
    return refusedConnections.sum();
  }

  /**
   * Reports {@link #refusedConnections()} as the counter {@code name} through {@code meter}; close
   * what it returns to stop.
   */
  public ObservableLongCounter observeRefusedConnections(Meter meter, String name) {
    return meter
        .counterBuilder(name)
        .setUnit("{connection}")
        .setDescription(
            "New connections closed as they were accepted: their source address was over"
                + " connections.newPerSourcePerSecond.")
        .buildWithCallback(measurement -> measurement.record(refusedConnections()));
  }

  /**
   * A channel builder for {@code host:port} on these event loops, plaintext or TLS as {@code
   * credentials} say ({@code InsecureChannelCredentials} or {@link TlsCredentials#channel()}).
   */
  public NettyChannelBuilder channel(String host, int port, ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress(host, port, credentials)
        .eventLoopGroup(workers)
        .channelType(channels.client());
  }

  /** "epoll" or "nio", for the start-up log line. */
  public String kind() {
    return channels == EPOLL ? "epoll" : "nio";
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /**
   * The channel types of one transport, epoll's or NIO's: what the server listens and accepts on,
   * how a listening channel is made (where a filter goes in before the acceptor), and what the
   * client channels connect with.
   */
  private record ChannelTypes(
      Class<? extends ServerChannel> server,
      Supplier<ServerChannel> newServer,
      Class<? extends SocketChannel> client) {}
}
