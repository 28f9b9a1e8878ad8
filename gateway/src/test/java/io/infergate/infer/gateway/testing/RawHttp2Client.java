package io.infergate.infer.gateway.testing;

import io.infergate.infer.observability.testing.Http2Frames;
import io.infergate.infer.observability.testing.Http2Frames.GoAway;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client written on Netty's frame writer and reader, for what grpc-java's client will not
 * do: a Rapid Reset flood (CVE-2023-44487: HEADERS of a gRPC call cancelled at once with
 * RST_STREAM, without the bookkeeping a real client would do), PINGs at any rate, and one call
 * whose end is seen frame by frame next to the connection's GOAWAY.
 */
public final class RawHttp2Client implements AutoCloseable {
  private static final long PING_PAYLOAD = 0x5241504944L;

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
  private final CompletableFuture<GoAway> goAway = new CompletableFuture<>();
  private final Channel channel;
  private final ChannelHandlerContext context;
  private final Map<Integer, CompletableFuture<String>> calls = new ConcurrentHashMap<>();
  private CompletableFuture<Void> pingAck = new CompletableFuture<>();
  private int nextStream = 1;

  /** Connects to {@code 127.0.0.1:port}; the connection preface and SETTINGS go first. */
  public RawHttp2Client(int port) throws InterruptedException {
    FrameDecoder decoder = new FrameDecoder();
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(decoder)
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    context = channel.pipeline().context(decoder);
  }

  /** Sends {@code count} HEADERS of a gRPC call to {@code path}, each followed by RST_STREAM. */
  public void openAndReset(String path, int count) {
    channel
        .eventLoop()
        .execute(
            () -> {
              for (int i = 0; i < count; i++) {
                writer.writeHeaders(
                    context,
                    nextStream,
                    Http2Frames.grpcRequest(path),
                    0,
                    false,
                    context.newPromise());
                writer.writeRstStream(
                    context, nextStream, Http2Error.CANCEL.code(), context.newPromise());
                nextStream += 2;
              }
              context.flush();
            });
  }

  /**
   * Starts a unary gRPC call to {@code path} with {@code message}; completes with its {@code
   * grpc-status}, or exceptionally when the server resets the stream or the connection closes
   * first.
   */
  public CompletableFuture<String> call(String path, byte[] message) {
    CompletableFuture<String> status = new CompletableFuture<>();
    channel
        .eventLoop()
        .execute(
            () -> {
              int stream = nextStream;
              nextStream += 2;
              calls.put(stream, status);
              ByteBuf framed = context.alloc().buffer(5 + message.length);
              framed.writeByte(0).writeInt(message.length).writeBytes(message);
              writer.writeHeaders(
                  context, stream, Http2Frames.grpcRequest(path), 0, false, context.newPromise());
              writer.writeData(context, stream, framed, 0, true, context.newPromise());
              context.flush();
            });
    return status;
  }

  /**
   * Sends a PING; completes on its acknowledgement. The server reads frames in order, so the
   * acknowledgement proves that it has read everything sent before and kept the connection open.
   */
  public CompletableFuture<Void> ping() {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    channel
        .eventLoop()
        .execute(
            () -> {
              pingAck = acked;
              writer.writePing(context, false, PING_PAYLOAD, context.newPromise());
              context.flush();
            });
    return acked;
  }

  /** The server's GOAWAY, once it sends one. */
  public CompletableFuture<GoAway> goAway() {
    return goAway;
  }

  /** Completes when the server has closed the connection. */
  public CompletableFuture<Void> closed() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    channel.closeFuture().addListener(f -> closed.complete(null));
    return closed;
  }

  @Override
  public void close() {
    channel.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Reads the server's frames, acknowledging its SETTINGS and PINGs ({@link Http2Frames}). */
  private final class FrameDecoder extends Http2Frames.ClientConnection {
    FrameDecoder() {
      super(RawHttp2Client.this.writer);
    }

    /** A frame the reader cannot parse ends the test's connection, and the wait for GOAWAY. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      goAway.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      super.channelInactive(ctx); // decodes what was read last, the GOAWAY among it
      goAway.completeExceptionally(new IllegalStateException("closed without a GOAWAY"));
      pingAck.completeExceptionally(new IllegalStateException("closed before the PING ACK"));
      calls.values().forEach(c -> c.completeExceptionally(new IllegalStateException("closed")));
    }

    @Override
    protected Http2FrameListener listener() {
      return new Http2Frames.Acknowledging(writer) {
        @Override
        protected void onGoAway(GoAway received) {
          goAway.complete(received);
        }

        @Override
        public void onHeadersRead(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int padding,
            boolean endOfStream) {
          CharSequence status = headers.get("grpc-status");
          CompletableFuture<String> call = calls.get(streamId);
          if (endOfStream && call != null) {
            call.complete(status == null ? "none" : status.toString());
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
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
          CompletableFuture<String> call = calls.get(streamId);
          if (call != null) {
            call.completeExceptionally(
                new IllegalStateException("RST_STREAM " + errorCode + " on " + streamId));
          }
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
          pingAck.complete(null);
        }
      };
    }
  }
}
