package io.infergate.infer.perf.loadtest;

import static io.infergate.infer.perf.loadtest.Flags.notBlank;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.infer.observability.config.Durations;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The connections to the target: grpc-java channels and, for the HTTP/2 fast path, the {@link
 * H2Transport}. With the fast path one grpc-java channel remains, for reflection and as a check.
 */
final class Channels {
  private final Settings.Connection settings;
  private final EventLoopGroup group;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private H2Transport h2;

  private Channels(Settings.Connection settings) {
    this.settings = settings;
    int loops = settings.eventLoopThreads();
    // 0: grpc-java's shared event loops (two threads per core)
    this.group =
        loops == 0
            ? null
            : Epoll.isAvailable() ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
  }

  /**
   * Opens the grpc-java channels and waits until each is ready.
   *
   * @throws Loadtest.RunFailure when one is not ready within the connect timeout
   */
  static Channels connect(Settings.Connection settings) throws InterruptedException {
    Channels c = new Channels(settings);
    try {
      int count = settings.fastPath() != null ? 1 : settings.connections();
      for (int i = 0; i < count; i++) {
        c.channels.add(c.channel());
      }
      c.awaitReady();
      return c;
    } catch (RuntimeException | InterruptedException e) {
      c.shutdown();
      throw e;
    }
  }

  /** Opens the HTTP/2 fast path's connections for {@code fullMethod}, when it is to be used. */
  void openFastPath(String fullMethod, long timeoutNanos, String variantHeader)
      throws InterruptedException {
    Settings.HostPort target = settings.fastPath();
    if (target != null) {
      h2 =
          H2Transport.connect(
              target.host(),
              target.port(),
              settings.fastPathAuthority(),
              fullMethod,
              timeoutNanos,
              variantHeader,
              settings.connections(),
              settings.eventLoopThreads(),
              settings.connectWithinNanos());
    }
  }

  List<ManagedChannel> grpc() {
    return channels;
  }

  /** The HTTP/2 fast path, or null when calls go through grpc-java. */
  H2Transport h2() {
    return h2;
  }

  /** Closes every connection and the event loops, waiting up to 5 s for each channel. */
  void shutdown() throws InterruptedException {
    if (h2 != null) {
      h2.close();
    }
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : channels) {
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private ManagedChannel channel() {
    Settings.Connection s = settings;
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(s.target()).directExecutor();
    if (group != null) {
      b.eventLoopGroup(group)
          .channelType(
              group instanceof EpollEventLoopGroup
                  ? EpollSocketChannel.class
                  : NioSocketChannel.class);
    }
    if (s.insecure()) {
      b.usePlaintext();
    } else {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (s.skipTls()) {
          ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (notBlank(s.cacert())) {
          ssl.trustManager(new File(s.cacert()));
        }
        if (notBlank(s.cert())) {
          ssl.keyManager(new File(s.cert()), new File(s.key()));
        }
        b.sslContext(ssl.build());
      } catch (IOException | IllegalArgumentException e) {
        throw new UsageException("TLS settings: " + e.getMessage());
      }
      if (notBlank(s.cname())) {
        b.overrideAuthority(s.cname());
      }
    }
    if (notBlank(s.authority())) {
      b.overrideAuthority(s.authority());
    }
    b.maxInboundMessageSize(s.maxRecvBytes());
    b.maxInboundMetadataSize(1 << 20);
    if (s.keepaliveNanos() > 0) {
      b.keepAliveTime(s.keepaliveNanos(), TimeUnit.NANOSECONDS);
    }
    if (notBlank(s.lbStrategy())) {
      b.defaultLoadBalancingPolicy(s.lbStrategy());
    }
    b.userAgent("loadtest");
    // grpc-go (ghz) does not retry by default; grpc-java would buffer every call for retries.
    b.disableRetry();
    return b.build();
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + settings.connectWithinNanos();
    for (ManagedChannel ch : channels) {
      while (true) {
        ConnectivityState s = ch.getState(true);
        if (s == ConnectivityState.READY) {
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new Loadtest.RunFailure(
              "cannot connect to "
                  + settings.host()
                  + " within "
                  + Durations.formatNanos(settings.connectTimeoutNanos())
                  + " (last state "
                  + s
                  + ")",
              null);
        }
        CountDownLatch changed = new CountDownLatch(1);
        ch.notifyWhenStateChanged(s, changed::countDown);
        changed.await(left, TimeUnit.NANOSECONDS);
      }
    }
  }
}
