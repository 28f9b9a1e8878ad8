package io.infergate.infer.perf.loadtest;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls written straight as HTTP/2 frames, for plaintext runs: one HEADERS and one DATA
 * frame out, status from the trailers in ({@link H2Connection}, one per connection). It does per
 * call what h2load does (plus reading {@code grpc-status}), without grpc-java's channel, call and
 * stream layers or Netty's HTTP/2 stream machinery, so the harness's own cost per call stays close
 * to h2load's and the server stays the limit. grpc-java's {@code ClientCall} path remains for TLS,
 * compression and load-balancing policies.
 */
final class H2Transport implements AutoCloseable {
  /** Told once when a call ends. */
  interface Completion {
    void completed(Status status, String variant);
  }

  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  static final Status DEADLINE_EXCEEDED =
      Status.DEADLINE_EXCEEDED.withDescription("context deadline exceeded");

  /** Its own, shut down by {@link #close}. */
  private final EventLoopGroup group;

  private final List<Channel> conns = new ArrayList<>();
  private final List<H2Connection> handlers = new ArrayList<>();
  private final Http2Headers template;
  private final AsciiString variantHeader;

  private H2Transport(EventLoopGroup group, Http2Headers template, String variantHeader) {
    this.group = group;
    this.template = template;
    this.variantHeader = AsciiString.of(variantHeader.toLowerCase(Locale.ROOT));
  }

  /**
   * Opens {@code connections} HTTP/2 connections (prior knowledge, h2c) to {@code host:port}.
   *
   * @param threads event-loop threads (0: two per core, as grpc-java)
   */
  static H2Transport connect(
      String host,
      int port,
      String authority,
      String fullMethod,
      long timeoutNanos,
      String variantHeader,
      int connections,
      int threads,
      long connectTimeoutNanos)
      throws InterruptedException {
    int n = threads > 0 ? threads : 2 * Runtime.getRuntime().availableProcessors();
    EventLoopGroup group =
        Epoll.isAvailable() ? new EpollEventLoopGroup(n) : new NioEventLoopGroup(n);
    Http2Headers t =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("http")
            .path("/" + fullMethod)
            .authority(authority)
            .add("content-type", "application/grpc")
            .add("te", "trailers")
            .add("user-agent", "loadtest");
    if (timeoutNanos > 0) {
      t.add("grpc-timeout", grpcTimeout(timeoutNanos));
    }
    H2Transport h2 = new H2Transport(group, t, variantHeader);
    try {
      for (int i = 0; i < connections; i++) {
        h2.conns.add(h2.open(host, port, connectTimeoutNanos));
      }
    } catch (RuntimeException | InterruptedException e) {
      h2.close();
      throw e;
    }
    return h2;
  }

  /** grpc's timeout header: at most 8 digits and a unit. */
  static String grpcTimeout(long nanos) {
    long[] scale = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
    String[] unit = {"n", "u", "m", "S", "M", "H"};
    for (int i = 0; i < scale.length; i++) {
      long v = (nanos + scale[i] - 1) / scale[i];
      if (v < 100_000_000L) {
        return v + unit[i];
      }
    }
    return "99999999H";
  }

  private Channel open(String host, int port, long connectTimeoutNanos)
      throws InterruptedException {
    H2Connection c = new H2Connection(template, variantHeader);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(
                group instanceof EpollEventLoopGroup
                    ? EpollSocketChannel.class
                    : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeoutNanos / 1_000_000L)))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(c);
                  }
                });
    ChannelFuture f = b.connect(host, port);
    if (!f.await(connectTimeoutNanos, TimeUnit.NANOSECONDS) || !f.isSuccess()) {
      f.channel().close();
      throw new Loadtest.RunFailure(
          "cannot connect to "
              + host
              + ":"
              + port
              + ": "
              + (f.cause() == null ? "timed out" : f.cause().getMessage()),
          f.cause());
    }
    handlers.add(c);
    return f.channel();
  }

  int connections() {
    return conns.size();
  }

  /**
   * Starts a call on connection {@code conn}; {@code done} is told on that connection's event loop.
   *
   * @param metadata extra request headers, or null
   */
  void call(int conn, byte[] body, Metadata metadata, long timeoutNanos, Completion done) {
    Channel ch = conns.get(conn);
    H2Connection c = handlers.get(conn);
    if (ch.eventLoop().inEventLoop()) {
      c.start(body, metadata, timeoutNanos, done);
    } else {
      ch.eventLoop().execute(() -> c.start(body, metadata, timeoutNanos, done));
    }
  }

  /** Closes every connection: calls in flight end as UNAVAILABLE. */
  void closeConnections() {
    for (Channel c : conns) {
      c.close();
    }
  }

  @Override
  public void close() {
    for (Channel c : conns) {
      c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * What a call that ended with {@code status} ended as. A CANCELLED call whose deadline has passed
   * was ended by that deadline: the server saw the same deadline in {@code grpc-timeout} and reset
   * the stream, and its RST_STREAM can be read before our own timer runs (an event loop handles I/O
   * before due timers, so a loop that wakes late sees the reset first). grpc-go (ghz) and
   * grpc-java's {@code ClientCallImpl} make the same correction.
   */
  static Status endedAs(Status status, long timeoutNanos, long elapsedNanos) {
    if (status.getCode() == Status.Code.CANCELLED
        && timeoutNanos > 0
        && elapsedNanos >= timeoutNanos) {
      return DEADLINE_EXCEEDED;
    }
    return status;
  }

  /** The status in trailers: grpc-status and the percent-encoded grpc-message. */
  static Status statusOf(Http2Headers trailers) {
    CharSequence code = trailers.get(GRPC_STATUS);
    if (code == null) {
      return Status.INTERNAL.withDescription("missing grpc-status in trailers");
    }
    Status s;
    try {
      s = Status.fromCodeValue(Integer.parseInt(code.toString()));
    } catch (NumberFormatException e) {
      return Status.INTERNAL.withDescription("bad grpc-status " + code);
    }
    CharSequence msg = trailers.get(GRPC_MESSAGE);
    if (msg != null) {
      s = s.withDescription(percentDecode(msg.toString()));
    }
    return s;
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
