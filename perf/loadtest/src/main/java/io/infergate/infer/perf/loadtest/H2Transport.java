package io.infergate.infer.perf.loadtest;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls written straight onto Netty's HTTP/2 codec, for plaintext runs: one HEADERS and
 * one DATA frame out, status from the trailers in. It does per call what h2load does (plus reading
 * {@code grpc-status}), without grpc-java's channel, call and stream layers, so the harness's own
 * cost per call stays well below a grpc-java server's and the server stays the limit. grpc-java's
 * {@code ClientCall} path remains for TLS, compression and load-balancing policies.
 */
final class H2Transport implements AutoCloseable {
  /** Told once when a call ends. */
  interface Completion {
    void completed(Status status, String variant);
  }

  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final Status DEADLINE_EXCEEDED =
      Status.DEADLINE_EXCEEDED.withDescription("context deadline exceeded");

  private final EventLoopGroup group;
  private final boolean ownGroup;
  private final List<Conn> conns = new ArrayList<>();
  private final Http2Headers template;
  private final AsciiString variantHeader;

  private H2Transport(
      EventLoopGroup group, boolean ownGroup, Http2Headers template, String variantHeader) {
    this.group = group;
    this.ownGroup = ownGroup;
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
    H2Transport h2 = new H2Transport(group, true, t, variantHeader);
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

  private Conn open(String host, int port, long connectTimeoutNanos) throws InterruptedException {
    Conn c = new Conn();
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
                    ch.pipeline().addLast(c.handler);
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
    c.channel = f.channel();
    c.ctx = c.channel.pipeline().context(c.handler);
    c.channel.closeFuture().addListener(x -> c.inactive());
    return c;
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
    Conn c = conns.get(conn);
    if (c.channel.eventLoop().inEventLoop()) {
      c.start(body, metadata, timeoutNanos, done);
    } else {
      c.channel.eventLoop().execute(() -> c.start(body, metadata, timeoutNanos, done));
    }
  }

  /** Closes every connection: calls in flight end as UNAVAILABLE. */
  void closeConnections() {
    for (Conn c : conns) {
      c.channel.close();
    }
  }

  @Override
  public void close() {
    for (Conn c : conns) {
      c.channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (ownGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** One call in flight. */
  private static final class Pending {
    final Completion done;

    /** {@link System#nanoTime()} at the start. */
    final long startNanos;

    /** The call's deadline, after the start; 0 for none. */
    final long timeoutNanos;

    String variant;
    boolean headersSeen;
    ScheduledFuture<?> timeout;

    Pending(Completion done, long startNanos, long timeoutNanos) {
      this.done = done;
      this.startNanos = startNanos;
      this.timeoutNanos = timeoutNanos;
    }
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

  /** One connection; everything but {@link #call} runs on its event loop. */
  private final class Conn extends Http2FrameAdapter {
    final Http2ConnectionHandler handler =
        new Http2ConnectionHandlerBuilder().server(false).frameListener(this).build();
    final IntObjectHashMap<Pending> pending = new IntObjectHashMap<>();
    Channel channel;
    ChannelHandlerContext ctx;
    boolean flushScheduled;
    boolean closed;

    /** The last body framed (5-byte gRPC prefix + message); constant data hits it every call. */
    byte[] lastBody;

    ByteBuf lastFramed;
    final Runnable flush =
        () -> {
          flushScheduled = false;
          // Through the handler: its flush writes the DATA frames its flow controller holds.
          handler.flush(ctx);
        };

    void start(byte[] body, Metadata metadata, long timeoutNanos, Completion done) {
      if (closed || !channel.isActive()) {
        done.completed(Status.UNAVAILABLE.withDescription("connection closed"), null);
        return;
      }
      Http2Headers headers = template;
      if (metadata != null) {
        headers = new DefaultHttp2Headers().set(template);
        for (String key : metadata.keys()) {
          if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            for (byte[] v :
                metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
              headers.add(key, Base64.getEncoder().withoutPadding().encodeToString(v));
            }
          } else {
            for (String v :
                metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
              headers.add(key, v);
            }
          }
        }
      }
      int id = handler.connection().local().incrementAndGetNextStreamId();
      if (id < 0) {
        done.completed(Status.UNAVAILABLE.withDescription("stream ids exhausted"), null);
        return;
      }
      Pending p = new Pending(done, System.nanoTime(), timeoutNanos);
      pending.put(id, p);
      handler
          .encoder()
          .writeHeaders(ctx, id, headers, 0, false, ctx.newPromise())
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  complete(
                      id,
                      GoTransportErrors.inGoWords(
                          Status.UNAVAILABLE
                              .withDescription(String.valueOf(f.cause()))
                              .withCause(f.cause()),
                          channel.localAddress(),
                          channel.remoteAddress()));
                }
              });
      if (body != lastBody) {
        if (lastFramed != null) {
          lastFramed.release();
        }
        lastFramed = ctx.alloc().directBuffer(5 + body.length);
        lastFramed.writeByte(0).writeInt(body.length).writeBytes(body);
        lastBody = body;
      }
      handler
          .encoder()
          .writeData(ctx, id, lastFramed.retainedDuplicate(), 0, true, ctx.voidPromise());
      if (timeoutNanos > 0) {
        p.timeout =
            ctx.executor()
                .schedule(
                    () -> {
                      if (pending.containsKey(id)) {
                        handler
                            .encoder()
                            .writeRstStream(ctx, id, Http2Error.CANCEL.code(), ctx.voidPromise());
                        scheduleFlush();
                        complete(id, DEADLINE_EXCEEDED);
                      }
                    },
                    timeoutNanos,
                    TimeUnit.NANOSECONDS);
      }
      scheduleFlush();
    }

    private void scheduleFlush() {
      if (!flushScheduled) {
        flushScheduled = true;
        channel.eventLoop().execute(flush);
      }
    }

    private void complete(int id, Status status) {
      Pending p = pending.remove(id);
      if (p == null) {
        return;
      }
      if (p.timeout != null) {
        p.timeout.cancel(false);
      }
      p.done.completed(
          endedAs(status, p.timeoutNanos, System.nanoTime() - p.startNanos), p.variant);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endOfStream) {
      Pending p = pending.get(streamId);
      if (p == null) {
        return;
      }
      if (!p.headersSeen || endOfStream) {
        CharSequence v = headers.get(variantHeader);
        if (v != null && p.variant == null) {
          p.variant = v.toString();
        }
      }
      if (!p.headersSeen && !endOfStream) {
        p.headersSeen = true;
        CharSequence status = headers.status();
        if (status != null && !AsciiString.contentEquals(status, "200")) {
          complete(streamId, Status.UNKNOWN.withDescription("HTTP status " + status));
        }
        return;
      }
      if (endOfStream) {
        complete(streamId, statusOf(headers));
      }
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      int processed = data.readableBytes() + padding;
      if (endOfStream) {
        complete(
            streamId, Status.INTERNAL.withDescription("server closed the stream without trailers"));
      }
      return processed;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      Status s =
          errorCode == Http2Error.CANCEL.code()
              ? Status.CANCELLED
              : errorCode == Http2Error.REFUSED_STREAM.code()
                  ? Status.UNAVAILABLE
                  : Status.INTERNAL;
      complete(
          streamId,
          s.withDescription("stream reset by the server (HTTP/2 error " + errorCode + ")"));
    }

    @Override
    public void onGoAwayRead(
        ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
      List<Integer> refused = new ArrayList<>();
      for (int id : pending.keySet()) {
        if (id > lastStreamId) {
          refused.add(id);
        }
      }
      for (int id : refused) {
        complete(id, Status.UNAVAILABLE.withDescription("server sent GOAWAY"));
      }
    }

    /** The handler's channel went inactive: fail what is left. */
    void inactive() {
      closed = true;
      if (lastFramed != null) {
        lastFramed.release();
        lastFramed = null;
        lastBody = null;
      }
      for (int id : new ArrayList<>(pending.keySet())) {
        complete(id, Status.UNAVAILABLE.withDescription("grpc: the client connection is closing"));
      }
    }
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
